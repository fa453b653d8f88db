import type { Clock } from '../core/clock.js'
import { QunDeskError } from '../core/errors.js'
import type { Db } from '../storage/create-db.js'
import { listFollowUpMessages, listLaterQuestions, listOverdueSuggestions, listReportSuggestions } from '../storage/report.repository.js'
import { aggregateAgents } from './aggregate-agents.js'
import { aggregateAiDrafts } from './aggregate-ai-drafts.js'
import { listAiDraftsForReport } from '../storage/ai-draft.repository.js'
import { aggregateReport } from './aggregate-report.js'
import { judgeOutcomes } from './judge-outcomes.js'
import { RESOLUTION_WINDOW_HOURS } from './first-contact-resolution.js'
import { slaCutoffIso, toUnansweredItems } from './list-unanswered.js'
import type { Report, ReportRange } from '../core/report.js'
import { addDays, dayOf, toUtcInterval } from './report-range.js'
import { topUnmatched } from './top-unmatched.js'

export type { AgentTotal, AiDraftTotals, DayTotal, GroupTotal, IntentTotal, Report, ReportRange, ReportRow, UnansweredItem, UnmatchedItem } from '../core/report.js'

export interface ReportService {
  /** Throws `bad_request` for an invalid range (bad dates, from after to, more than 92 days) or options. */
  report(range: ReportRange, options?: { slaMinutes?: number; unmatchedLimit?: number }): Promise<Report>
  /** Default range: the last 7 days (in the offset) ending today. */
  defaultRange(): ReportRange
}

export const DEFAULT_SLA_MINUTES = 15
export const DEFAULT_UNMATCHED_LIMIT = 20
/** China time: QunDesk's customers' groups are on WeChat/WeCom. */
export const DEFAULT_UTC_OFFSET_MINUTES = 480

/**
 * Reports for the console: per day, group and intent counts, response times, first-contact resolution and
 * satisfaction (judged as of now, over `resolutionWindowHours` after each reply), per-agent figures, the
 * @-mentions waiting past the SLA (as of now) and the most asked unmatched questions. Days are calendar days at
 * `utcOffsetMinutes` and a question belongs to the day it was asked.
 *
 * @example
 * const reports = createReportService({ db, clock: systemClock, utcOffsetMinutes: 480 })
 * const report = await reports.report({ from: '2026-11-17', to: '2026-11-23' }, { slaMinutes: 10 })
 * report.days.length   // 7
 */
export function createReportService(deps: { db: Db; clock: Clock; utcOffsetMinutes?: number; resolutionWindowHours?: number }): ReportService {
  const { db, clock } = deps
  const utcOffsetMinutes = deps.utcOffsetMinutes ?? DEFAULT_UTC_OFFSET_MINUTES
  const windowHours = deps.resolutionWindowHours ?? RESOLUTION_WINDOW_HOURS

  return {
    async report(range, options = {}) {
      const slaMinutes = options.slaMinutes ?? DEFAULT_SLA_MINUTES
      const unmatchedLimit = options.unmatchedLimit ?? DEFAULT_UNMATCHED_LIMIT
      if (!(Number.isFinite(slaMinutes) && slaMinutes >= 0)) throw new QunDeskError('bad_request', `SLA 必须是不小于 0 的分钟数（收到 ${slaMinutes}）`, { slaMinutes })
      if (!(Number.isInteger(unmatchedLimit) && unmatchedLimit >= 1)) throw new QunDeskError('bad_request', `未匹配问题条数必须是正整数（收到 ${unmatchedLimit}）`, { unmatchedLimit })
      const interval = toUtcInterval(range, utcOffsetMinutes)
      const groupId = range.groupId || undefined
      const now = clock()
      const filter = { fromIso: interval.fromIso, toIso: interval.toIso, ...(groupId ? { groupId } : {}) }
      // Five set-based queries, whatever the number of questions: no query per row.
      const [suggestions, later, followUps, overdue, aiDrafts] = await Promise.all([
        listReportSuggestions(db, filter),
        listLaterQuestions(db, { ...filter, windowHours }),
        listFollowUpMessages(db, { ...filter, windowHours }),
        listOverdueSuggestions(db, { askedBefore: slaCutoffIso(now, slaMinutes), ...(groupId ? { groupId } : {}) }),
        listAiDraftsForReport(db, filter),
      ])
      const judged = judgeOutcomes({ suggestions, later, followUps, now, windowHours })
      return {
        range: { from: range.from, to: range.to, ...(groupId ? { groupId } : {}) },
        utcOffsetMinutes,
        slaMinutes,
        resolutionWindowHours: windowHours,
        ...aggregateReport(judged, interval.days, utcOffsetMinutes),
        agents: aggregateAgents(judged),
        unanswered: toUnansweredItems(overdue, now),
        unmatched: topUnmatched(suggestions, unmatchedLimit),
        aiDrafts: aggregateAiDrafts(aiDrafts),
      }
    },
    defaultRange() {
      const today = dayOf(clock(), utcOffsetMinutes)
      return { from: addDays(today, -6), to: today }
    },
  }
}
