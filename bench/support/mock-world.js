// @ts-check
/** Pieces the benches share: a mock account in a group of 20 customers who @ the bot, and a polling wait. */
import { PuppetMock, mock } from 'wechaty-puppet-mock'
import { DEMO_QUESTIONS } from '../../dist/channels/wechaty/demo/demo-script.js'

export const BOT = '客服助手'

/** @param {string} [topic] */
export function world(topic = '压测群') {
  const mocker = new mock.Mocker()
  const puppet = new PuppetMock({ mocker })
  const me = mocker.createContact({ name: BOT })
  const customers = Array.from({ length: 20 }, (_, i) => mocker.createContact({ name: `客户${i + 1}` }))
  const room = mocker.createRoom({ topic, memberIdList: [me.id, ...customers.map((c) => c.id)] })
  const login = () => { mocker.login(me); puppet.emit('ready', { data: 'ready' }) }
  /** @param {number} i */
  const ask = (i) => customers[i % customers.length]?.say(`@${BOT}\u2005${DEMO_QUESTIONS[i % DEMO_QUESTIONS.length]} ${i}`, [me]).to(room)
  /** A customer says `text` (with the bot in the mention list). @param {number} i @param {string} text */
  const say = (i, text) => customers[i % customers.length]?.say(text, [me]).to(room)
  return { puppet, login, ask, say }
}

/** @param {() => boolean | Promise<boolean>} done */
export async function until(done, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('bench timed out')
    await new Promise((r) => setTimeout(r, 5))
  }
}
