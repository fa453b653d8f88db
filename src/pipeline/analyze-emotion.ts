import { detectEmotion } from '../nlu/emotion/detect-emotion.js'
import type { Step } from './message-context.js'

/** Scores negative emotion on every customer message (not only questions): it is logged per message. */
export const analyzeEmotion: Step = async (ctx, next) => {
  ctx.emotion = detectEmotion(ctx.message.question)
  await next()
}
