import { it } from 'vitest'
import { detectEmotion } from '/work/wt-robust/src/nlu/emotion/detect-emotion.js'
it('x', () => { for (const t of (process.env.T ?? '').split('|')) console.log(t, JSON.stringify(detectEmotion(t))) })
