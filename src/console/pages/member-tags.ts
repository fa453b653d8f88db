/** Tag chips, the lifecycle badge and member links, shared by the 成员 list (members.ts) and one member's page (member.ts). */
import type { MemberSummary, MemberTag } from '../contract.js'
import { formatTime, h } from './dom.js'

export const RULE_TAG_HINT = '规则标签：由标签规则自动计算，不能手动添加或移除；条件不再满足时会自动去掉'

/**
 * A tag chip. Rule tags and manual tags look different (manual ones carry a 手动 marker), and the difference is in
 * the text too, not only the colour.
 */
export function tagChip(t: MemberTag): HTMLElement {
  return t.source === 'manual'
    ? h('span', { class: 'tag manual', title: `手动标签：${t.addedBy} 于 ${formatTime(t.addedAt)} 添加` }, t.tag, h('small', {}, '手动'))
    : h('span', { class: 'tag rule', title: `${RULE_TAG_HINT}（${t.addedBy}）` }, t.tag)
}

export function lifecycleChip(stage: string | null): HTMLElement {
  return stage ? h('span', { class: 'badge stage' }, stage) : h('span', { class: 'muted' }, '—')
}

/** "11-23 10:05", marked 估算 when the member was already there before QunDesk saw the group. */
export function joinedText(m: Pick<MemberSummary, 'joinedAt' | 'joinedAtEstimated'>): HTMLElement {
  return h('span', {}, formatTime(m.joinedAt),
    m.joinedAtEstimated ? h('span', { class: 'badge', title: '机器人上线前就在群里：按首次看到的时间估算，实际入群更早' }, '估算') : null)
}

export const memberHref = (memberId: string) => `/members/${encodeURIComponent(memberId)}`
