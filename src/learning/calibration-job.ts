import path from 'node:path'
import type { Clock } from '../core/clock.js'
import { QunDeskError } from '../core/errors.js'
import type { FileProblem } from '../core/file-problem.js'
import type { Logger } from '../core/logger.js'
import { writeCalibratedBand } from '../knowledge/write-calibrated-band.js'
import { calibrateKnowledgeInWorker, type CalibrationProgress, type CalibrationRun } from '../nlu/calibrate-in-worker.js'
import type { CalibrationReport } from '../nlu/calibrate-matcher.js'
import type { CurvePoint } from '../nlu/calibration-curve.js'
import { DEFAULT_ACCEPT_THRESHOLD, DEFAULT_AUTO_SEND_THRESHOLD } from '../nlu/decide-intent.js'
import type { MatcherRuntime } from '../nlu/matcher-runtime.js'
import { appendAudit } from '../storage/audit.repository.js'
import type { Db } from '../storage/create-db.js'

/** The curve rows shown: every 0.05 in this range, plus the proposed threshold (as `kb calibrate` prints). */
const SHOWN_FROM = 0.1
const SHOWN_TO = 0.8
/** The auto-send target of `kb calibrate` (its --target-auto-send-error default). */
const AUTO_SEND_TARGET = 0.01

export interface CalibrationResult {
  intents: number
  listed: number
  unlisted: number
  leftOutIntents: number
  sampled: boolean
  folds: number
  ms: number
  top1: number
  accept: (CurvePoint & { met: boolean }) | null
  autoSend: { threshold: number; met: boolean; autoSent: number; autoWrong: number; autoFalse: number } | null
  curve: CurvePoint[]
  knowledgeVersion: number
}

export interface CalibrationState {
  status: 'idle' | 'running' | 'done' | 'failed'
  startedAt: string | null
  startedBy: string | null
  finishedAt: string | null
  targetFalseAccept: number
  progress: CalibrationProgress | null
  error: { message: string; problems: FileProblem[] } | null
  result: CalibrationResult | null
  current: { suggest: number; autoSend: number; source: 'matching' | 'default' }
  written: { file: string; suggest: number; autoSend: number; at: string; by: string } | null
}

export interface CalibrationJob {
  state(): CalibrationState
  /** Starts a run in the background worker; refused (conflict) while one runs. Returns the state at once. */
  start(actor: string, options?: { targetFalseAccept?: number }): CalibrationState
  /** Writes the finished run's proposal into the knowledge folder (audited) and reloads the knowledge. */
  apply(actor: string): Promise<CalibrationState>
  /** Ends a run in flight (shutdown). */
  stop(): void
}

/**
 * 阈值校准 from the console: `qundesk kb calibrate` on the bot's knowledge folder, run in a worker thread (see
 * `calibrateKnowledgeInWorker`) while the bot keeps answering, then, on an admin's word, the proposed band written
 * into the knowledge (`writeCalibratedBand`, the same as `kb calibrate --write`), audited, and reloaded. One run per
 * instance at a time; the state lives in this instance (a run takes minutes and is repeated rather than resumed).
 *
 * @example
 * const job = createCalibrationJob({ db, clock, logger, knowledge: () => runtime, knowledgeDir: 'knowledge' })
 * job.start('老板') // { status: 'running', progress: null, ... }
 * // … later, when job.state().status === 'done' and result.accept.met:
 * await job.apply('老板') // written: { file: 'knowledge/matching.yaml', suggest: 0.41, autoSend: 0.53, ... }
 */
export function createCalibrationJob(deps: {
  db: Db; clock: Clock; logger: Logger; knowledge: () => MatcherRuntime; knowledgeDir: string
}): CalibrationJob {
  const log = deps.logger.child({ component: 'calibration' })
  let state: Omit<CalibrationState, 'current'> = {
    status: 'idle', startedAt: null, startedBy: null, finishedAt: null, targetFalseAccept: 0.05, progress: null, error: null, result: null, written: null,
  }
  let run: CalibrationRun | undefined
  let applying: Promise<unknown> = Promise.resolve()

  function current(): CalibrationState['current'] {
    const band = deps.knowledge().current().kb.bands.global
    return {
      suggest: band.suggest ?? DEFAULT_ACCEPT_THRESHOLD,
      autoSend: band.autoSend ?? DEFAULT_AUTO_SEND_THRESHOLD,
      source: band.suggest === undefined && band.autoSend === undefined ? 'default' : 'matching',
    }
  }
  const view = (): CalibrationState => ({ ...state, current: current() })

  return {
    state: view,

    start(actor, options = {}) {
      if (state.status === 'running') throw new QunDeskError('conflict', `${state.startedBy ?? '其他管理员'} 发起的校准还在进行，请等它结束`)
      const targetFalseAccept = options.targetFalseAccept ?? 0.05
      const knowledgeVersion = deps.knowledge().current().version
      const started = deps.clock()
      state = { ...state, status: 'running', startedAt: started.toISOString(), startedBy: actor, finishedAt: null, targetFalseAccept, progress: null, error: null, result: null }
      log.info({ actor, targetFalseAccept }, 'calibration started')
      const mine = calibrateKnowledgeInWorker(
        { dir: deps.knowledgeDir, targetFalseAccept, targetAutoSendError: AUTO_SEND_TARGET },
        (progress) => { if (run === mine) state = { ...state, progress } },
      )
      run = mine
      mine.result.then(
        (outcome) => {
          if (run !== mine) return
          const finishedAt = deps.clock().toISOString()
          if (!outcome.ok) {
            state = { ...state, status: 'failed', finishedAt, error: { message: '知识库文件有错误，无法校准', problems: outcome.problems } }
            return
          }
          state = { ...state, status: 'done', finishedAt, result: toResult(outcome.report, knowledgeVersion) }
          log.info({ ms: Math.round(outcome.report.ms), folds: outcome.report.folds, suggest: outcome.report.accept?.threshold }, 'calibration done')
        },
        (error: unknown) => {
          if (run !== mine) return
          log.error({ err: error }, 'calibration failed')
          state = { ...state, status: 'failed', finishedAt: deps.clock().toISOString(), error: { message: (error as Error)?.message ?? String(error), problems: [] } }
        },
      ).finally(() => {
        if (run === mine) run = undefined
      })
      return view()
    },

    async apply(actor) {
      const write = applying.then(async () => {
        const result = state.result
        if (state.status !== 'done' || !result) throw new QunDeskError('conflict', '没有已完成的校准结果可写入，请先校准')
        if (!result.accept?.met) throw new QunDeskError('conflict', `没有哪个阈值能让误接不超过 ${(state.targetFalseAccept * 100).toFixed(1)}%，未写入：给相近的意图补充更有区分度的例句后重新校准`)
        const band = { suggest: result.accept.threshold, autoSend: Math.max(result.autoSend?.threshold ?? result.accept.threshold, result.accept.threshold) }
        const before = current()
        const written = await writeCalibratedBand(deps.knowledge().current().kb.files, deps.knowledgeDir, band, { targetFalseAccept: state.targetFalseAccept })
        if (!written.ok) {
          throw written.reason === 'exists_without_section'
            ? new QunDeskError('conflict', `${path.basename(written.file)} 已存在但没有 matching: 段落，未写入：把 matching: 加进去或改名后重试`)
            : new QunDeskError('bad_request', `写入后知识库无法加载，已恢复 ${path.basename(written.file)}`, { problems: written.problems })
        }
        const at = deps.clock()
        const file = path.relative(deps.knowledgeDir, written.file)
        await appendAudit(deps.db, {
          at, actor, action: 'knowledge.band_written', subjectType: 'knowledge', subjectId: file,
          detail: { before: { suggest: before.suggest, autoSend: before.autoSend }, after: band, targetFalseAccept: state.targetFalseAccept, accuracy: result.accept.accuracy, falseAccept: result.accept.falseAccept },
        })
        state = { ...state, written: { file, ...band, at: at.toISOString(), by: actor } }
        // The folder watch would reload too; reloading here lets the admin see the band in use at once.
        const reload = await deps.knowledge().reload()
        if (!reload.ok) log.error({ problems: reload.problems.length }, 'the band was written but the knowledge did not reload')
      })
      applying = write.catch(() => undefined)
      await write
      return view()
    },

    stop() {
      run?.cancel()
      run = undefined
    },
  }
}

function toResult(report: CalibrationReport, knowledgeVersion: number): CalibrationResult {
  const chosen = report.accept?.threshold
  const near = (a: number, b: number) => Math.abs(a - b) < 1e-9
  return {
    intents: report.intents, listed: report.listed, unlisted: report.unlisted, leftOutIntents: report.leftOutIntents, sampled: report.sampled,
    folds: report.folds, ms: Math.round(report.ms), top1: report.top1,
    accept: report.accept ? { ...report.accept.point, met: report.accept.met } : null,
    autoSend: report.autoSend ? { ...report.autoSend.point, met: report.autoSend.met } : null,
    curve: report.curve.filter((p) => (p.threshold >= SHOWN_FROM - 1e-9 && p.threshold <= SHOWN_TO + 1e-9 && near(Math.round(p.threshold * 100) % 5, 0)) || p.threshold === chosen),
    knowledgeVersion,
  }
}
