/**
 * The architecture, as rules `npm run check:layers` enforces (and `npm test` runs first). A red check means the
 * design changed, on purpose or by accident: change the code, or change the rule here and ARCHITECTURE.md with it.
 *
 * Rooms (src/…): main.ts + app/ compose; channels/ translate platforms; core/ is the shared vocabulary and
 * machinery; storage/ is the one place that talks SQL; the features (pipeline, nlu, knowledge, escalation,
 * suggestions, outbox, tagging, members, …) sit between; console/ serves agents and calls features; cli/ is the
 * admin's command line.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'No file reaches itself through its imports.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      comment: 'No room reaches itself through other rooms (knowledge↔nlu, storage↔audit were such cycles).',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'core-imports-nothing-of-ours',
      comment: 'core/ is the vocabulary everyone shares; it depends on node and npm packages only.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^src/', pathNot: '^src/core/' },
    },
    {
      name: 'channels-only-from-composition',
      comment: 'Only main.ts and app/ wire a channel in; features and the console know no platform.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(main\\.ts|app/|channels/)' },
      to: { path: '^src/channels/' },
    },
    {
      name: 'channels-import-core-storage-config',
      comment: 'A channel translates at its edge: it may persist what it received and read its settings, nothing of the features.',
      severity: 'error',
      from: { path: '^src/channels/' },
      to: { path: '^src/', pathNot: '^src/(channels|core|storage|config)/' },
    },
    {
      name: 'storage-imports-no-feature',
      comment: 'storage/ maps rows to the core vocabulary; features call it, never the other way round.',
      severity: 'error',
      from: { path: '^src/storage/' },
      to: { path: '^src/', pathNot: '^src/(storage|core)/' },
    },
    {
      name: 'nothing-imports-the-composition',
      comment: 'main.ts and app/ are the top; only the CLI (qundesk start) reaches main.ts.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(main\\.ts|app/|cli/start-command\\.ts)' },
      to: { path: '^src/(main\\.ts|app/)' },
    },
    {
      name: 'matcher-and-rules-are-pure',
      comment: 'Matching, emotion and rule evaluation take text and facts and return answers: no database, no network.',
      severity: 'error',
      from: { path: '^src/(nlu/|tagging/(evaluate-rules|expression/)|escalation/decide-escalation)' },
      to: { path: '^(src/(storage|outbox|suggestions|channels)/|node_modules/(kysely|pg|better-sqlite3|wechaty))' },
    },
    {
      name: 'drafting-decisions-are-pure',
      comment: 'The AI drafter decides, prompts, parses the stream and prices in pure functions; only ai-drafter.ts and the client touch the database and the network.',
      severity: 'error',
      from: { path: '^src/drafting/(decide-ai-draft|build-draft-prompt|read-chat-stream|draft-cost|llm-error)\\.ts$' },
      to: { path: '^(src/(storage|outbox|suggestions|channels|pipeline)/|node_modules/(kysely|pg|better-sqlite3|wechaty))' },
    },
    {
      name: 'knowledge-imports-only-core',
      comment: 'knowledge/ turns YAML into a KnowledgeBase (data); the matcher (nlu/) and the pipeline build on it.',
      severity: 'error',
      from: { path: '^src/knowledge/' },
      to: { path: '^src/', pathNot: '^src/(knowledge|core)/' },
    },
    {
      name: 'platform-packages-only-in-channels',
      comment: 'Wechaty and WeCom code is imported by channels/ (and the composition that builds a puppet) only.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(channels/|app/)' },
      to: { path: 'node_modules/(wechaty|wechaty-puppet[^/]*|@wecom/crypto|@juzi/[^/]+)/' },
    },
    {
      name: 'browser-code-imports-only-the-contract',
      comment: 'The page scripts run in the browser: they share the API contract and the core types it names with the server, nothing else.',
      severity: 'error',
      from: { path: '^src/console/pages/', pathNot: '(\\.page\\.ts|/render-page\\.ts|/html\\.ts)$' },
      to: { path: '^src/', pathNot: '^src/(console/pages/[^/]+\\.ts|console/contract\\.ts|core/(vocabulary|suggestion|member|report|audit-item)\\.ts)$' },
    },
    {
      name: 'server-never-imports-page-scripts',
      comment: 'Page shells (*.page.ts) and ids are shared; the page scripts are browser-only.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/console/pages/' },
      to: { path: '^src/console/pages/', pathNot: '(\\.page\\.ts|\\.ids\\.ts|/render-page\\.ts|/html\\.ts|\\.css)$' },
    },
    {
      name: 'no-dev-dependencies-in-src',
      comment: 'What ships must not need vitest, fast-check or playwright.',
      severity: 'error',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-orphans',
      comment: 'A file nothing imports is dead code (worker entry points and type declarations are loaded by path).',
      severity: 'error',
      from: { orphan: true, path: '^src/', pathNot: ['\\.d\\.ts$', '\\.worker\\.ts$', '^src/console/web/'] },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
}
