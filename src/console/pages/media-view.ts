import type { MediaView } from '../../core/suggestion.js'
import { h } from './dom.js'

const KIND_TEXT: Record<MediaView['kind'], string> = { image: '图片', voice: '语音', video: '视频', file: '文件' }
const MISSING_TEXT: Record<Exclude<MediaView['status'], 'stored'>, string> = {
  too_large: '文件过大，没有保存',
  unavailable: '当时没能从平台取到',
  transcript_only: '平台只发来了转写文字',
  purged: '已按保留期限删除',
}

/** "2.4 MB", "380 KB", "512 字节" */
export function formatSize(bytes: number | null): string {
  if (bytes === null) return ''
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`
  return `${bytes} 字节`
}

/**
 * What a customer sent besides text, in the conversation: a picture inline (click opens it full size), a voice
 * note as a player (or only its transcript when the platform sent no audio), a video as a player, any other file
 * as a download with its name and size; a file that is not kept says why.
 */
export function mediaView(files: readonly MediaView[] | undefined): HTMLElement | null {
  if (!files || files.length === 0) return null
  return h('div', { class: 'media' }, ...files.map((m) => {
    // WeCom's AI bot sends a voice note as its transcription only: the words, no player.
    if (m.status === 'transcript_only' && m.transcript) return h('p', { class: 'media-item media-transcript' }, `语音转文字：${m.transcript}`)
    const size = formatSize(m.sizeBytes)
    const label = `${KIND_TEXT[m.kind]}${m.fileName && m.kind === 'file' ? ` ${m.fileName}` : ''}${size ? `（${size}）` : ''}`
    if (m.status !== 'stored') return h('p', { class: 'media-missing muted' }, `[${label}] ${MISSING_TEXT[m.status]}`)
    const download = h('a', { href: `${m.url}?download=1`, download: m.fileName || true, class: 'media-download' }, m.kind === 'file' ? `下载 ${m.fileName}${size ? `（${size}）` : ''}` : '下载原文件')
    const transcript = m.transcript ? h('p', { class: 'media-transcript' }, `语音转文字：${m.transcript}`) : null
    if (m.kind === 'image') {
      return h('figure', { class: 'media-item' },
        h('a', { href: m.url, target: '_blank', rel: 'noopener', title: '查看原图' }, h('img', { src: m.url, alt: '客户发来的图片', loading: 'lazy', class: 'media-image' })),
        h('figcaption', { class: 'muted' }, label, ' ', download))
    }
    if (m.kind === 'voice') {
      return h('figure', { class: 'media-item' }, h('audio', { src: m.url, controls: true, preload: 'metadata', 'aria-label': '客户发来的语音' }), transcript, h('figcaption', { class: 'muted' }, label, ' ', download))
    }
    if (m.kind === 'video') {
      return h('figure', { class: 'media-item' }, h('video', { src: m.url, controls: true, preload: 'metadata', class: 'media-video', 'aria-label': '客户发来的视频' }), h('figcaption', { class: 'muted' }, label, ' ', download))
    }
    return h('p', { class: 'media-item' }, download)
  }))
}
