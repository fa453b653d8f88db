import type { FastifyInstance } from 'fastify'
import { QunDeskError } from '../../core/errors.js'
import type { HttpServerDeps } from '../http-server-deps.js'
import { finiteInteger } from './finite-integer.js'

const params = {
  type: 'object',
  required: ['messageId', 'position'],
  properties: { messageId: { type: 'string', minLength: 1, maxLength: 300 }, position: finiteInteger({ minimum: 0, maximum: 99 }) },
} as const

const WHY_NOT: Record<string, string> = {
  too_large: '文件过大，没有保存',
  unavailable: '当时没能从平台取到这个文件',
  transcript_only: '平台只发来了这条语音的转写文字，没有音频',
  purged: '文件已按保留期限删除',
  unknown: '没有这个文件',
}

/** `filename*` (RFC 6266 / 5987): any name, Chinese included, without breaking the header. */
const disposition = (inline: boolean, name: string) =>
  `${inline ? 'inline' : 'attachment'}; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`

/**
 * Pictures, voice notes and files customers sent, for the conversation view: `GET /api/messages/:messageId/media/:position`
 * (`?download=1` for the file as sent). The response is sandboxed and never sniffed: a file is only ever shown as
 * the picture or audio it is, or downloaded.
 */
export function registerMediaRoutes(app: FastifyInstance, deps: Pick<HttpServerDeps, 'media'>): void {
  app.get<{ Params: { messageId: string; position: number }; Querystring: { download?: string } }>('/api/messages/:messageId/media/:position', {
    config: { access: 'agent' },
    schema: { params, querystring: { type: 'object', additionalProperties: false, properties: { download: { type: 'string', enum: ['1'] } } } },
  }, async (request, reply) => {
    const found = await deps.media.open(request.params.messageId, request.params.position, { download: request.query.download === '1' })
    if (!found.found) throw new QunDeskError('not_found', WHY_NOT[found.status] ?? WHY_NOT.unknown!, { status: found.status })
    const { file } = found
    return reply
      .header('content-type', file.mimeType)
      .header('content-disposition', disposition(file.inline, file.fileName))
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('content-length', String(file.data.length))
      .send(file.data)
  })
}
