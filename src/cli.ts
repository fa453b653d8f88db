import { parseArgs } from 'node:util'
import { QunDeskError } from './core/errors.js'
import { describeUsageError, UsageError, type CliIo } from './cli/cli-io.js'
import { kbCalibrate } from './cli/kb-calibrate-command.js'
import { kbCheck, kbEval, kbExportLearned, kbSchema, kbTest } from './cli/kb-commands.js'
import { kbLint } from './cli/kb-lint-command.js'
import { membersImport } from './cli/members-commands.js'
import { membersDelete, membersExport } from './cli/member-privacy-commands.js'
import { rulesCheck } from './cli/rules-commands.js'
import { tagsExplain } from './cli/tags-commands.js'
import { auditVerify } from './cli/audit-commands.js'
import { backupCommand } from './cli/backup-command.js'
import { dbCopyCommand, migrateCommand } from './cli/db-commands.js'
import { instancesCommand } from './cli/instances-command.js'
import { contentKeyNew, contentKeyRotate, contentKeyStatus } from './cli/content-key-commands.js'
import { userAdd } from './cli/user-commands.js'
import { startCommand } from './cli/start-command.js'

export const HELP = `qundesk — 群客服助手 QunDesk

Usage:
  qundesk start [--new-database]                 run the bot, the HTTP API and (in demo mode) simulated customers;
                                                 refuses when the SQLite file is missing where one existed before
  qundesk kb check [--kb DIR]                    validate the knowledge YAML; exit 1 with file:line per problem
  qundesk kb schema                              print the knowledge files' JSON Schema (knowledge/knowledge.schema.json),
                                                 for editors: \`# yaml-language-server: $schema=./knowledge.schema.json\`
  qundesk kb test "问题" [--kb DIR] [--group NAME] [--json] [--no-embeddings]
                                                 show the decision and the top 3 intents with scores; with
                                                 QUNDESK_EMBEDDINGS_URL set, blended with the provider's vectors and
                                                 decided with matching.semantic as the bot does (--no-embeddings: offline)
  qundesk kb eval --cases FILE [--kb DIR] [--group NAME] [--failures] [--by-intent] [--json] [--no-embeddings]
                                                 measure matching: top1, accuracy, falseAccept, counts, timing, decided
                                                 with the matching: bands (a case's "group", or --group, adds that
                                                 group's); a negative's "kind" gets its own falseAccept line; FILE
                                                 may also be an intent set ({"intents":[{"id","test":[..]}],
                                                 "negatives":[..],"negatives_kind":[..]}); --failures lists each
                                                 wrong case, --by-intent per-intent precision / recall / support and
                                                 the top confusions; with QUNDESK_EMBEDDINGS_URL set, rankings are
                                                 blended and decided with matching.semantic as the bot does
                                                 (--no-embeddings: the offline matcher)
  qundesk kb calibrate [--kb DIR] [--target-false-accept 0.05] [--target-auto-send-error 0.01] [--write] [--json]
                      [--no-embeddings]
                                                 leave-one-out over the knowledge's own examples (no negatives file):
                                                 the accuracy / false-accept curve and the proposed matching: band;
                                                 --write puts it into the knowledge YAML (comments kept); with
                                                 QUNDESK_EMBEDDINGS_URL set, rankings are blended with the provider's
                                                 vectors and the band is matching.semantic (--no-embeddings: offline)
  qundesk kb lint [--kb DIR] [--json] [--strict]
                                                 advice on the knowledge: confusable intent pairs (held-out examples
                                                 answered with the other intent), intents with under 3 examples,
                                                 duplicate or shared examples, unknown {{variables}} in answers;
                                                 exit 0 with warnings (1 with --strict), 1 when it does not load
  qundesk kb export-learned [--out FILE]         agents' "wrong intent" fixes as YAML to merge into knowledge/
  qundesk rules check [--rules DIR]              validate the member-tagging rules YAML; exit 1 with file:line per problem
  qundesk members import FILE [--skip-unmatched] [--dry-run]
                                                 import CRM attributes (.csv or .json) for member tagging; exit 1 with
                                                 file:line per problem, or when rows match no group member
  qundesk members export MEMBER [--out FILE]     everything held about a member (id or exact name) as JSON: memberships,
                                                 messages, suggestions, tags, tag history, CRM attributes, audit entries
  qundesk members delete MEMBER [--yes]          erase a member's personal data, keeping anonymous counts; shows what
                                                 goes and asks for the name first (refuses without a terminal unless --yes)
  qundesk tags explain MEMBER [--rules DIR] [--json]
                                                 evaluate the rules for a member (id or name) now: each rule's result
                                                 and the values it saw, next to the stored tags
  qundesk audit verify                           check the audit log's hash chain; exit 1 naming the first altered entry
  qundesk user add NAME [--role agent|admin]     add a console user; the password is prompted for or read from stdin
  qundesk backup FILE [--force]                  consistent copy of the database while QunDesk runs, checked
                                                 (integrity, audit chain); exit 1 on any problem
  qundesk migrate                                bring the database (SQLite file or QUNDESK_DATABASE_URL) to the latest
                                                 schema; lists the migrations applied, or says it is current
  qundesk db copy --from DB --to DB              copy an install into an empty database, SQLite <-> PostgreSQL (DB is
                                                 sqlite:FILE or postgres://...): ids and encrypted content as stored,
                                                 checked (rows per table, audit chain); stop QunDesk first
  qundesk instances [--json]                     the QunDesk processes on this database (QUNDESK_INSTANCE_ID): running,
                                                 stopped or silent, and the groups, sends and messages waiting on each
  qundesk content-key new [ID]                   print a fresh key entry for QUNDESK_CONTENT_KEYS (message content encryption)
  qundesk content-key status                     the active key, the keys the database knows, how content is stored
  qundesk content-key rotate                     rewrite stored content with the active key (or plain), retire unused
                                                 keys; exit 1 while content under an old key remains
  qundesk --help | --version

Options:
  --kb DIR      knowledge folder (default: $QUNDESK_KNOWLEDGE_DIR or ./knowledge)
  --rules DIR   rules folder (default: $QUNDESK_RULES_DIR or ./rules)
  --cases FILE  {"cases":[{"text":"...","expect":"<intent id>"|null, "group":"<group name or id>"?}]}
  --json        machine-readable output
  --strict      exit 1 when kb lint has any warning
  --out FILE    write to FILE instead of stdout
  --role ROLE   agent (default) or admin
  --group NAME  apply that group's threshold band (matching.groups in the knowledge YAML)
  --skip-unmatched
                import the rows that match a group member and report the others (members import)
  --dry-run     check and match the file, write nothing (members import)
  --yes, -y     erase without asking (members delete)
  --force       overwrite an existing backup FILE (backup)
  --from DB     the database to copy from: sqlite:FILE or postgres://USER:PASSWORD@HOST:5432/NAME (db copy)
  --to DB       the empty database to copy to, same forms (db copy)
  --new-database
                start with a new, empty SQLite file although one existed at that path before (start; see README
                「备份与恢复」 first: restoring the backup keeps the data)

Environment (see README): QUNDESK_DATA_DIR, QUNDESK_KNOWLEDGE_DIR, QUNDESK_RULES_DIR, QUNDESK_HOST, QUNDESK_PORT,
QUNDESK_API_TOKEN, QUNDESK_DEMO, QUNDESK_DEMO_PUBLIC, QUNDESK_DEMO_INTERVAL_SECONDS, QUNDESK_BOT_NAME, QUNDESK_LOG_LEVEL,
QUNDESK_COOKIE_SECURE, QUNDESK_TRUST_PROXY, QUNDESK_UTC_OFFSET_MINUTES, QUNDESK_WECOM_CORP_ID, QUNDESK_WECOM_AGENT_ID,
QUNDESK_WECOM_JSAPI_TICKET, QUNDESK_WECOM_AGENT_TICKET, WECHATY_PUPPET, WECHATY_PUPPET_SERVICE_TOKEN,
WECHATY_PUPPET_SERVICE_ENDPOINT, QUNDESK_RETENTION_DAYS, QUNDESK_SEND_GROUP_INTERVAL_MS, QUNDESK_SEND_GLOBAL_INTERVAL_MS,
QUNDESK_SEND_JITTER_MS, QUNDESK_SEND_MAX_ATTEMPTS, QUNDESK_OFFLINE_ALERT_MINUTES, QUNDESK_CONTENT_KEYS, QUNDESK_STATE_DIR.
Several processes on one PostgreSQL: QUNDESK_DATABASE_URL (postgres://…; unset: SQLite in QUNDESK_DATA_DIR), QUNDESK_INSTANCE_ID.
Rate limits: QUNDESK_RATE_LIMIT_PER_SECOND (0: off), QUNDESK_RATE_LIMIT_BURST.
Optional AI drafter (off unless set; groups opt in under 用户与设置): QUNDESK_LLM_URL, QUNDESK_LLM_MODEL, QUNDESK_LLM_API_KEY,
QUNDESK_LLM_TIMEOUT_MS, QUNDESK_LLM_PRICE_INPUT_PER_1K, QUNDESK_LLM_PRICE_OUTPUT_PER_1K.
Embedding provider (optional, off by default): QUNDESK_EMBEDDINGS_URL (e.g. http://127.0.0.1:11434/v1), QUNDESK_EMBEDDINGS_MODEL,
QUNDESK_EMBEDDINGS_API_KEY, QUNDESK_EMBEDDINGS_TIMEOUT_MS, QUNDESK_EMBEDDINGS_WEIGHT, QUNDESK_EMBEDDINGS_BATCH.
`

/**
 * Runs one `qundesk` command and returns its exit code. I/O is passed in so tests call it in-process.
 *
 * @example
 * const code = await runCli(['kb', 'check', '--kb', 'knowledge'], io)
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        kb: { type: 'string', multiple: true },
        cases: { type: 'string' },
        json: { type: 'boolean' },
        write: { type: 'boolean' },
        failures: { type: 'boolean' },
        'by-intent': { type: 'boolean' },
        'target-false-accept': { type: 'string' },
        'target-auto-send-error': { type: 'string' },
        out: { type: 'string' },
        role: { type: 'string' },
        group: { type: 'string' },
        rules: { type: 'string' },
        'skip-unmatched': { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        yes: { type: 'boolean', short: 'y' },
        force: { type: 'boolean' },
        strict: { type: 'boolean' },
        from: { type: 'string' },
        to: { type: 'string' },
        'new-database': { type: 'boolean' },
        'no-embeddings': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    })
    const [command, sub, ...rest] = positionals
    if (values.version) {
      io.stdout('0.1.0')
      return 0
    }
    if (values.help || !command || command === 'help') {
      io.stdout(HELP)
      return 0
    }
    // --kb may be given several times for kb calibrate (pooled); elsewhere the last one counts.
    const lastKb = values.kb?.at(-1)
    const kbFlags = { ...(lastKb ? { kb: lastKb } : {}) }
    // Only start: a deliberate fresh database is a start, and the other commands refuse with the same message.
    if (values['new-database'] && command !== 'start') throw new UsageError('--new-database 只能和 qundesk start 一起用')
    if (command === 'start') return await startCommand(io, { newDatabase: values['new-database'] ?? false })
    if (command === 'kb' && sub === 'check') return await kbCheck(kbFlags, io)
    if (command === 'kb' && sub === 'schema') return kbSchema(io)
    if (command === 'kb' && sub === 'test') {
      return await kbTest(rest.join(' '), { ...kbFlags, json: values.json ?? false, ...(values.group ? { group: values.group } : {}), embeddings: !(values['no-embeddings'] ?? false) }, io)
    }
    if (command === 'kb' && sub === 'lint') return await kbLint({ ...kbFlags, json: values.json ?? false, strict: values.strict ?? false }, io)
    if (command === 'kb' && sub === 'eval') {
      return await kbEval({
        ...kbFlags, ...(values.cases ? { cases: values.cases } : {}), ...(values.group ? { group: values.group } : {}),
        json: values.json ?? false, failures: values.failures ?? false, byIntent: values['by-intent'] ?? false,
        embeddings: !(values['no-embeddings'] ?? false),
      }, io)
    }
    if (command === 'kb' && sub === 'calibrate') {
      if (rest.length > 0) throw new UsageError('kb calibrate 不接受问题：它留出知识库自己的例句来校准')
      return await kbCalibrate({
        ...(values.kb ? { kb: values.kb } : {}), write: values.write ?? false, json: values.json ?? false, embeddings: !(values['no-embeddings'] ?? false),
        ...(values['target-false-accept'] !== undefined ? { targetFalseAccept: values['target-false-accept'] } : {}),
        ...(values['target-auto-send-error'] !== undefined ? { targetAutoSendError: values['target-auto-send-error'] } : {}),
      }, io)
    }
    if (command === 'kb' && sub === 'export-learned') return await kbExportLearned({ ...kbFlags, ...(values.out ? { out: values.out } : {}) }, io)
    if (command === 'rules' && sub === 'check') return await rulesCheck({ ...(values.rules ? { rules: values.rules } : {}) }, io)
    if (command === 'members' && sub === 'import') {
      if (rest.length > 1) throw new UsageError('members import 一次只能导入一个文件')
      return await membersImport({ file: rest[0] ?? '', skipUnmatched: values['skip-unmatched'] ?? false, dryRun: values['dry-run'] ?? false }, io)
    }
    if (command === 'members' && sub === 'export') return await membersExport(rest.join(' ') || undefined, { ...(values.out ? { out: values.out } : {}) }, io)
    if (command === 'members' && sub === 'delete') return await membersDelete(rest.join(' ') || undefined, { yes: values.yes ?? false }, io)
    if (command === 'audit' && sub === 'verify') return await auditVerify(io)
    if (command === 'backup') {
      if (rest.length > 0) throw new UsageError('backup takes one file')
      return await backupCommand(sub, { force: values.force ?? false }, io)
    }
    if (command === 'migrate') {
      if (sub) throw new UsageError('migrate takes no arguments: it migrates the configured database (QUNDESK_DATA_DIR or QUNDESK_DATABASE_URL)')
      return await migrateCommand(io)
    }
    if (command === 'instances') {
      if (sub) throw new UsageError('instances takes no arguments (--json for machine-readable output)')
      return await instancesCommand({ json: values.json ?? false }, io)
    }
    if (command === 'db' && sub === 'copy') {
      if (rest.length > 0) throw new UsageError('db copy takes --from and --to only')
      return await dbCopyCommand({ ...(values.from ? { from: values.from } : {}), ...(values.to ? { to: values.to } : {}) }, io)
    }
    if (command === 'content-key' && sub === 'new') return contentKeyNew(rest[0], io)
    if (command === 'content-key' && sub === 'status') return await contentKeyStatus(io)
    if (command === 'content-key' && sub === 'rotate') return await contentKeyRotate(io)
    if (command === 'tags' && sub === 'explain') return await tagsExplain(rest.join(' ') || undefined, { ...(values.rules ? { rules: values.rules } : {}), json: values.json ?? false }, io)
    if (command === 'user' && sub === 'add') return await userAdd(rest[0], { ...(values.role ? { role: values.role } : {}) }, io)
    throw new UsageError(`不认识的命令：${[command, sub].filter(Boolean).join(' ')}`)
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`qundesk: ${describeUsageError(error as Error)}\n用法见 "qundesk --help"。`)
      return 2
    }
    if (error instanceof QunDeskError && error.code !== 'internal') {
      io.stderr(error.message)
      return 1
    }
    io.stderr(`qundesk: ${(error as Error)?.stack ?? String(error)}`)
    return 1
  }
}
