import type { FastifyInstance } from 'fastify'
import { formatProblem, type FileProblem } from '../../core/file-problem.js'
import { decideEscalation } from '../../escalation/decide-escalation.js'
import { decideIntent } from '../../nlu/decide-intent.js'
import { describeBands } from '../../nlu/describe-bands.js'
import { detectEmotion } from '../../nlu/emotion/detect-emotion.js'
import type { KnowledgeLoadError, MatcherRuntime } from '../../nlu/matcher-runtime.js'
import type { CalibrationState } from '../../learning/calibration-job.js'
import type { CalibrationView, KnowledgeLoadErrorView, KnowledgeProblemView, KnowledgeTestView, KnowledgeView } from '../contract.js'
import type { HttpServerDeps } from '../http-server-deps.js'
import { actorOf } from '../identity.js'

const calibrateBody = {
  type: ['object', 'null'], additionalProperties: false,
  properties: { targetFalseAccept: { type: 'number', minimum: 0, maximum: 0.5 } },
} as const

const testBody = {
  type: 'object', required: ['question'], additionalProperties: false,
  properties: { question: { type: 'string', minLength: 1, maxLength: 2000 }, groupId: { type: 'string', maxLength: 200 } },
} as const

/** The 知识库 page's API (admin): the knowledge in use, its load error and lint, and 试一试. */
export function registerKnowledgeRoutes(app: FastifyInstance, deps: Pick<HttpServerDeps, 'knowledge' | 'calibration' | 'refineRanking'>): void {
  const admin = { access: 'admin' } as const

  app.get('/api/knowledge', { config: admin }, async (): Promise<KnowledgeView> => {
    const runtime = deps.knowledge()
    const { kb, version, loadedAt } = runtime.current()
    const lint = runtime.lint()
    return {
      version,
      loadedAt: loadedAt.toISOString(),
      intents: kb.intents.map((i) => ({ id: i.id, ...(i.name ? { name: i.name } : {}), examples: [...i.examples], answer: i.answer, autoSend: i.autoSend, file: i.source.file, line: i.source.line })),
      loadError: loadErrorView(runtime.loadError()),
      lint: lint.status === 'ready'
        ? { status: 'ready', warnings: lint.report.warnings, ...lint.report.confusion }
        : lint.status === 'failed' ? { status: 'failed', error: lint.error } : { status: 'running' },
    }
  })

  app.post<{ Body: { question: string; groupId?: string } }>('/api/knowledge/test', { config: admin, schema: { body: testBody } }, async (request): Promise<KnowledgeTestView> =>
    testQuestion(deps.knowledge(), request.body.question, request.body.groupId, deps.refineRanking))

  // 阈值校准: `kb calibrate` in the background worker; the page polls the GET while it runs.
  app.get('/api/knowledge/calibration', { config: admin }, async (): Promise<CalibrationView> => calibrationView(deps.calibration.state()))

  app.post<{ Body: { targetFalseAccept?: number } }>('/api/knowledge/calibration', { config: admin, schema: { body: calibrateBody } }, async (request, reply): Promise<CalibrationView> => {
    const state = deps.calibration.start(actorOf(request.identity), request.body ?? {})
    void reply.code(202)
    return calibrationView(state)
  })

  app.post('/api/knowledge/calibration/apply', { config: admin }, async (request): Promise<CalibrationView> =>
    calibrationView(await deps.calibration.apply(actorOf(request.identity))))
}

function calibrationView(state: CalibrationState): CalibrationView {
  return { ...state, error: state.error ? { message: state.error.message, problems: state.error.problems.map(problemView) } : null }
}

/** The decision `qundesk kb test` prints, with the knowledge and matcher the bot uses now (learned examples included). */
async function testQuestion(runtime: MatcherRuntime, question: string, groupId: string | undefined, refine: HttpServerDeps['refineRanking']): Promise<KnowledgeTestView> {
  const { kb, matcher } = runtime.current()
  const { top, evidence, formula } = await matcher.explain(question)
  // With the embedding provider, blended and decided with matching.semantic, as the pipeline's matchIntent does.
  const blended = refine ? await refine(kb, question, top) : undefined
  const result = decideIntent(blended ?? top, kb, groupId ? { id: groupId, name: groupId } : undefined, { semantic: blended !== undefined })
  const emotion = detectEmotion(question)
  const escalation = decideEscalation({ question, intentId: result.intent?.intentId ?? null, emotion, previousMisses: 0 }, kb.escalation)
  return {
    decision: result.decision, intent: result.intent, confident: result.confident, threshold: result.threshold, bands: result.bands, bandsText: describeBands(result.bands),
    top: [...result.top], evidence, formula, emotion: emotion.severity,
    escalation: escalation ? { reason: escalation.reason, detail: escalation.detail } : null,
    answer: result.intent ? kb.get(result.intent.intentId)?.answer ?? null : null,
    semantic: blended !== undefined,
  }
}

/** For the page and /api/health. */
export function loadErrorView(error: KnowledgeLoadError | undefined): KnowledgeLoadErrorView | null {
  return error ? { at: error.at.toISOString(), problems: error.problems.map(problemView) } : null
}

function problemView(p: FileProblem): KnowledgeProblemView {
  return { file: p.file, line: p.line, message: p.message, hint: p.hint, text: formatProblem(p) }
}
