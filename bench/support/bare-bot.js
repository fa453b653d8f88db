// @ts-check
/**
 * The baseline for bench/scale-account: a bare Wechaty bot on wechaty-puppet-service (endpoint and token from the
 * environment), run as a child process with an IPC channel. It reports its login, counts the mentions of itself
 * it receives, and on request lists every group's members as a member sync would (Room.findAll + memberAll).
 */
import { WechatyBuilder } from 'wechaty'
import { PuppetService } from 'wechaty-puppet-service'

const send = (/** @type {unknown} */ m) => { process.send?.(m) }
const bot = WechatyBuilder.build({
  puppet: new PuppetService({ endpoint: process.env.WECHATY_PUPPET_SERVICE_ENDPOINT, token: process.env.WECHATY_PUPPET_SERVICE_TOKEN }),
})
bot.on('error', () => undefined)
let received = 0
bot.on('message', async (message) => {
  if (message.self()) return
  if (await message.mentionSelf()) received++
})
bot.on('login', () => send({ type: 'login', at: Date.now() }))

async function walk() {
  const started = Date.now()
  const rooms = await bot.Room.findAll()
  let members = 0
  for (const room of rooms) {
    const list = await room.memberAll()
    await room.topic()
    members += list.filter((c) => c.id !== bot.currentUser.id).map((c) => ({ id: c.id, name: c.name() })).length
  }
  return { ms: Date.now() - started, groups: rooms.length, members }
}

process.on('message', async (/** @type {any} */ m) => {
  const value = m.type === 'walk' ? await walk() : received
  send({ seq: m.seq, value })
})
process.on('SIGTERM', () => { void bot.stop().finally(() => process.exit(0)) })
process.on('disconnect', () => process.exit(0))
await bot.start()
