/** DOM ids of the 知识库 page (knowledge.page.ts), read by knowledge.ts. */
export const KNOWLEDGE_IDS = {
  status: 'knowledge-status',
  loadError: 'knowledge-load-error',
  testForm: 'knowledge-test-form',
  question: 'knowledge-question',
  group: 'knowledge-group',
  testResult: 'knowledge-test-result',
  lint: 'knowledge-lint',
  calibration: 'knowledge-calibration',
  calibrate: 'knowledge-calibrate',
  calibrationResult: 'knowledge-calibration-result',
  filter: 'knowledge-filter',
  intents: 'knowledge-intents',
} as const
