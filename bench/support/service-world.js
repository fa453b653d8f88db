// @ts-check
/**
 * Benches that run QunDesk as production does: its own process (`bin/qundesk.js start`) on wechaty-puppet-service,
 * against a mock account served from the bench process over loopback.
 */
import { spawn } from 'node:child_process'
import net from 'node:net'
import path from 'node:path'
import { PuppetMock, mock } from 'wechaty-puppet-mock'
import { PuppetServer } from 'wechaty-puppet-service'
import { DEMO_QUESTIONS } from '../../dist/channels/wechaty/demo/demo-script.js'
import { BOT, until } from './mock-world.js'

const ROOT = path.resolve(import.meta.dirname, '../..')
process.env.WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_SERVER = 'true'
process.env.WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_CLIENT = 'true'

/** @returns {Promise<number>} */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const address = /** @type {net.AddressInfo} */ (server.address())
      server.close(() => resolve(address.port))
    })
    server.on('error', reject)
  })
}

/**
 * A mock account with 100 customers in 10 groups behind a puppet service on loopback (its own token).
 * `askedAt` maps each customer message id to when it was said; `drive(seconds, rate)` asks at `rate`/s, `burst(n)` n at once.
 * @param {string} token
 */
export async function serviceWorld(token) {
  const mocker = new mock.Mocker()
  const puppet = new PuppetMock({ mocker })
  const me = mocker.createContact({ name: BOT })
  const customers = Array.from({ length: 100 }, (_, i) => mocker.createContact({ name: `客户${i + 1}` }))
  const rooms = Array.from({ length: 10 }, (_, r) => mocker.createRoom({ topic: `客户群${r + 1}`, memberIdList: [me.id, ...customers.filter((_, i) => i % 10 === r).map((c) => c.id)] }))
  /** @type {Map<string, number>} */
  const askedAt = new Map()
  for (const room of rooms) {
    /** @type {any} */ (room).on('message', (/** @type {mock.MessageMock} */ m) => { if (m.payload.talkerId !== me.id) askedAt.set(m.id, Date.now()) })
  }
  const endpoint = `127.0.0.1:${await freePort()}`
  const server = new PuppetServer({ endpoint, puppet, token })
  await server.start()
  const keepLoggedIn = setInterval(() => { if (puppet.state.active() && !puppet.isLoggedIn) { mocker.login(me); puppet.emit('ready', { data: 'ready' }) } }, 100)
  let asked = 0
  /** Asks at `rate`/s for `seconds` (customers spread over the groups); returns how many were asked in all. @param {number} seconds @param {number} rate */
  const drive = async (seconds, rate) => {
    const started = Date.now()
    const from = asked
    while (Date.now() - started < seconds * 1000) {
      const due = from + Math.floor(((Date.now() - started) / 1000) * rate)
      for (; asked < due; asked++) {
        const customer = /** @type {mock.ContactMock} */ (customers[asked % customers.length])
        customer.say(`@${BOT}\u2005${DEMO_QUESTIONS[asked % DEMO_QUESTIONS.length]}`, [me]).to(/** @type {mock.RoomMock} */ (rooms[asked % rooms.length]))
      }
      await new Promise((r) => setTimeout(r, 20))
    }
    return asked
  }
  /** Asks `n` questions at once (a burst), spread over the customers and groups; returns how many were asked in all. @param {number} n */
  const burst = (n) => {
    for (const end = asked + n; asked < end; asked++) {
      const customer = /** @type {mock.ContactMock} */ (customers[asked % customers.length])
      customer.say(`@${BOT}\u2005${DEMO_QUESTIONS[asked % DEMO_QUESTIONS.length]} ${asked}`, [me]).to(/** @type {mock.RoomMock} */ (rooms[asked % rooms.length]))
    }
    return asked
  }
  const stop = async () => { clearInterval(keepLoggedIn); await server.stop() }
  return { endpoint, token, askedAt, drive, burst, stop }
}

/**
 * Starts `qundesk start` in its own process on the world's puppet service, with `env` added (data dir, database,
 * instance id …), and waits until its account is online.
 * @param {{ endpoint: string; token: string }} world
 * @param {Record<string, string>} env
 */
export async function spawnBot(world, env) {
  const port = await freePort()
  const apiToken = 'bench-bot-token-0123456789'
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/qundesk.js'), 'start'], {
    stdio: 'ignore',
    env: {
      ...process.env, QUNDESK_KNOWLEDGE_DIR: path.join(ROOT, 'knowledge'), QUNDESK_RULES_DIR: path.join(ROOT, 'rules'),
      QUNDESK_PORT: String(port), QUNDESK_API_TOKEN: apiToken, QUNDESK_LOG_LEVEL: 'warn',
      WECHATY_PUPPET: 'wechaty-puppet-service', WECHATY_PUPPET_SERVICE_TOKEN: world.token, WECHATY_PUPPET_SERVICE_ENDPOINT: world.endpoint, ...env,
    },
  })
  await until(async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/health`, { headers: { authorization: `Bearer ${apiToken}` } }).catch(() => undefined)
    return res?.ok === true && (await res.json()).channel.state === 'online'
  }, 120_000)
  const stop = async () => {
    child.kill('SIGTERM')
    await new Promise((r) => child.once('exit', r))
  }
  return { child, port, stop }
}
