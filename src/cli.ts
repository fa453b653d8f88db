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

用法：
  qundesk start [--new-database]                 运行机器人、HTTP 接口和（演示模式下的）模拟客户；
                                                 原来有 SQLite 文件而现在找不到时拒绝启动
  qundesk kb check [--kb DIR]                    检查知识库 YAML；有问题时逐条输出 file:line，退出码 1
  qundesk kb schema                              输出知识库文件的 JSON Schema（knowledge/knowledge.schema.json），
                                                 供编辑器使用：\`# yaml-language-server: $schema=./knowledge.schema.json\`
  qundesk kb test "问题" [--kb DIR] [--group NAME] [--json] [--no-embeddings]
                                                 显示判定结果和得分前 3 的意图（有 name: 的写在 id 旁边）；设置了
                                                 QUNDESK_EMBEDDINGS_URL 时与嵌入服务的向量融合，并和机器人一样按
                                                 matching.semantic 判断（--no-embeddings：只用离线匹配）
  qundesk kb eval --cases FILE [--kb DIR] [--group NAME] [--failures] [--by-intent] [--json] [--no-embeddings]
                                                 评估匹配效果：top1、accuracy、falseAccept、数量和用时，按 matching:
                                                 阈值区间判断（用例的 "group" 或 --group 再加上该群的区间）；带 "kind"
                                                 的负例单独列一行 falseAccept；FILE 也可以是意图集
                                                 （{"intents":[{"id","test":[..]}],"negatives":[..],"negatives_kind":[..]}）；
                                                 --failures 列出每条答错的用例，--by-intent 列出每个意图的精确率 /
                                                 召回率 / 样本数和最常混淆的意图；设置了 QUNDESK_EMBEDDINGS_URL 时
                                                 排名与向量融合，并和机器人一样按 matching.semantic 判断
                                                 （--no-embeddings：只用离线匹配）
  qundesk kb calibrate [--kb DIR] [--target-false-accept 0.05] [--target-auto-send-error 0.01] [--write] [--json]
                      [--no-embeddings]
                                                 用知识库自己的例句做留一法校准（不需要负例文件）：输出答对 / 误接
                                                 曲线和建议的 matching: 区间；--write 把它写入知识库 YAML（保留注释）；
                                                 设置了 QUNDESK_EMBEDDINGS_URL 时排名与向量融合，写入的是
                                                 matching.semantic（--no-embeddings：只校准离线匹配）
  qundesk kb lint [--kb DIR] [--json] [--strict]
                                                 知识库改进建议：易混淆的意图（留出的例句被判成另一个意图）、少于
                                                 3 条例句的意图、重复或共用的例句、回答里未知的 {{变量}}；
                                                 有提醒时退出码 0（--strict 时为 1），知识库无法加载时为 1
  qundesk kb export-learned [--out FILE]         把坐席“意图纠正”学到的例句导出为 YAML，供合并进 knowledge/
  qundesk rules check [--rules DIR]              检查成员打标签规则 YAML；有问题时逐条输出 file:line，退出码 1
  qundesk members import FILE [--skip-unmatched] [--dry-run]
                                                 导入 CRM 属性（.csv 或 .json）供成员打标签；有问题（逐条输出
                                                 file:line）或有行对不上群成员时退出码 1
  qundesk members export MEMBER [--out FILE]     以 JSON 导出某成员（id 或完整名字）的全部数据：所在群、消息、建议、
                                                 标签、标签历史、CRM 属性、审计记录
  qundesk members delete MEMBER [--yes]          删除某成员的个人数据，只保留匿名计数；先列出要删除的内容并要求输入
                                                 名字确认（没有终端时需要 --yes）
  qundesk tags explain MEMBER [--rules DIR] [--json]
                                                 现在就为某成员（id 或名字）计算规则：每条规则的结果和它看到的值，
                                                 以及已保存的标签
  qundesk audit verify                           检查审计日志的哈希链；有被改动的记录时退出码 1 并指出第一条
  qundesk user add NAME [--role agent|admin]     添加控制台用户；密码在提示时输入，或从 stdin 读取
  qundesk backup FILE [--force]                  在 QunDesk 运行时得到数据库的一致副本并检查（完整性、审计链）；
                                                 有任何问题时退出码 1
  qundesk migrate                                把数据库（SQLite 文件或 QUNDESK_DATABASE_URL）升级到最新结构；
                                                 列出执行的迁移，或说明已是最新
  qundesk db copy --from DB --to DB              把一套安装复制到空数据库，SQLite 与 PostgreSQL 互转（DB 写
                                                 sqlite:FILE 或 postgres://...）：id 和加密内容原样复制并检查
                                                 （每张表的行数、审计链）；先停止 QunDesk
  qundesk instances [--json]                     使用这个数据库的 QunDesk 进程（QUNDESK_INSTANCE_ID）：运行中、已停止
                                                 或失联，以及每个进程负责的群、待发送和未处理的消息
  qundesk content-key new [ID]                   输出一个新的 QUNDESK_CONTENT_KEYS 密钥条目（消息内容加密）
  qundesk content-key status                     当前使用的密钥、数据库知道的密钥、内容的存储方式
  qundesk content-key rotate                     用当前密钥（或明文）重写已存内容，停用不再使用的密钥；
                                                 仍有内容使用旧密钥时退出码 1
  qundesk --help | --version

选项：
  --kb DIR      知识库文件夹（默认：$QUNDESK_KNOWLEDGE_DIR 或 ./knowledge）
  --rules DIR   规则文件夹（默认：$QUNDESK_RULES_DIR 或 ./rules）
  --cases FILE  {"cases":[{"text":"...","expect":"<intent id>"|null, "group":"<group name or id>"?}]}
  --json        输出机器可读的 JSON（键名为英文，不随语言变化）
  --strict      kb lint 有任何提醒时退出码 1
  --out FILE    写入 FILE，而不是标准输出
  --role ROLE   agent（默认）或 admin
  --group NAME  使用该群的阈值区间（知识库 YAML 里的 matching.groups）
  --skip-unmatched
                导入能对上群成员的行，其余的列出来（members import）
  --dry-run     只检查和匹配文件，不写入（members import）
  --yes, -y     不询问直接删除（members delete）
  --force       覆盖已存在的备份文件 FILE（backup）
  --from DB     复制来源数据库：sqlite:FILE 或 postgres://USER:PASSWORD@HOST:5432/NAME（db copy）
  --to DB       复制目标（空）数据库，写法同上（db copy）
  --new-database
                以新的空 SQLite 文件启动，即使这个路径原来有文件（start；请先看 README
                「备份与恢复」：恢复备份才能保留数据）
  --no-embeddings
                即使设置了 QUNDESK_EMBEDDINGS_URL 也只用离线匹配（kb test / eval / calibrate）

环境变量（见 README）：QUNDESK_DATA_DIR, QUNDESK_KNOWLEDGE_DIR, QUNDESK_RULES_DIR, QUNDESK_HOST, QUNDESK_PORT,
QUNDESK_API_TOKEN, QUNDESK_DEMO, QUNDESK_DEMO_PUBLIC, QUNDESK_DEMO_INTERVAL_SECONDS, QUNDESK_BOT_NAME, QUNDESK_LOG_LEVEL,
QUNDESK_COOKIE_SECURE, QUNDESK_TRUST_PROXY, QUNDESK_UTC_OFFSET_MINUTES, QUNDESK_WECOM_CORP_ID, QUNDESK_WECOM_AGENT_ID,
QUNDESK_WECOM_JSAPI_TICKET, QUNDESK_WECOM_AGENT_TICKET, WECHATY_PUPPET, WECHATY_PUPPET_SERVICE_TOKEN,
WECHATY_PUPPET_SERVICE_ENDPOINT, QUNDESK_RETENTION_DAYS, QUNDESK_SEND_GROUP_INTERVAL_MS, QUNDESK_SEND_GLOBAL_INTERVAL_MS,
QUNDESK_SEND_JITTER_MS, QUNDESK_SEND_MAX_ATTEMPTS, QUNDESK_OFFLINE_ALERT_MINUTES, QUNDESK_CONTENT_KEYS, QUNDESK_STATE_DIR。
多个进程共用一个 PostgreSQL：QUNDESK_DATABASE_URL（postgres://…；不设置则使用 QUNDESK_DATA_DIR 里的 SQLite），QUNDESK_INSTANCE_ID。
限流：QUNDESK_RATE_LIMIT_PER_SECOND（0：关闭），QUNDESK_RATE_LIMIT_BURST。
可选的 AI 起草（不设置则关闭；各群在「用户与设置」里开启）：QUNDESK_LLM_URL, QUNDESK_LLM_MODEL, QUNDESK_LLM_API_KEY,
QUNDESK_LLM_TIMEOUT_MS, QUNDESK_LLM_PRICE_INPUT_PER_1K, QUNDESK_LLM_PRICE_OUTPUT_PER_1K。
嵌入服务（可选，默认关闭）：QUNDESK_EMBEDDINGS_URL（如 http://127.0.0.1:11434/v1），QUNDESK_EMBEDDINGS_MODEL,
QUNDESK_EMBEDDINGS_API_KEY, QUNDESK_EMBEDDINGS_TIMEOUT_MS, QUNDESK_EMBEDDINGS_WEIGHT, QUNDESK_EMBEDDINGS_BATCH。
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
      if (rest.length > 0) throw new UsageError('backup 只接受一个文件')
      return await backupCommand(sub, { force: values.force ?? false }, io)
    }
    if (command === 'migrate') {
      if (sub) throw new UsageError('migrate 不接受参数：它升级配置好的数据库（QUNDESK_DATA_DIR 或 QUNDESK_DATABASE_URL）')
      return await migrateCommand(io)
    }
    if (command === 'instances') {
      if (sub) throw new UsageError('instances 不接受参数（--json 输出机器可读的结果）')
      return await instancesCommand({ json: values.json ?? false }, io)
    }
    if (command === 'db' && sub === 'copy') {
      if (rest.length > 0) throw new UsageError('db copy 只接受 --from 和 --to')
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
