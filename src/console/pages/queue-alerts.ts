import type { SuggestionItem } from '../contract.js'

/** Where the agent's alert choices live between visits (this browser only). */
const PREFS_KEY = 'qundesk.alerts'

interface AlertPrefs {
  desktop: boolean
  sound: boolean
}

function readPrefs(): AlertPrefs {
  try {
    const stored = JSON.parse(localStorage.getItem(PREFS_KEY) ?? '{}') as Partial<AlertPrefs>
    return { desktop: stored.desktop === true, sound: stored.sound === true }
  } catch {
    return { desktop: false, sound: false }
  }
}

/** A short two-note chime, made here: nothing is downloaded. */
function chime(): void {
  const Audio = window.AudioContext as typeof AudioContext | undefined
  if (!Audio) return
  const audio = new Audio()
  for (const [i, frequency] of [880, 1320].entries()) {
    const tone = audio.createOscillator()
    const gain = audio.createGain()
    tone.frequency.value = frequency
    gain.gain.value = 0.08
    tone.connect(gain).connect(audio.destination)
    tone.start(audio.currentTime + i * 0.16)
    tone.stop(audio.currentTime + i * 0.16 + 0.14)
  }
  setTimeout(() => void audio.close(), 600)
}

/**
 * Tells the agent about a new item for a person (转人工, emotion, complaint, misses, SLA, 需关注) even when the tab
 * is in the background: a desktop notification (after the agent allows it) and an optional chime. Both are off
 * until the agent turns them on; the choice is kept in this browser.
 */
export function createQueueAlerts(controls: { desktop: HTMLInputElement; sound: HTMLInputElement; onRefused: (message: string) => void }) {
  let prefs = readPrefs()
  const save = () => localStorage.setItem(PREFS_KEY, JSON.stringify(prefs))
  const supported = typeof Notification !== 'undefined'
  controls.desktop.checked = prefs.desktop && supported && Notification.permission === 'granted'
  controls.sound.checked = prefs.sound
  controls.desktop.disabled = !supported
  controls.desktop.addEventListener('change', async () => {
    if (controls.desktop.checked && Notification.permission !== 'granted') {
      // The browser asks only in answer to the agent's own click.
      const answer = await Notification.requestPermission()
      if (answer !== 'granted') {
        controls.desktop.checked = false
        controls.onRefused('浏览器没有允许通知：请在地址栏左侧的网站设置里允许通知后再开启')
      }
    }
    prefs = { ...prefs, desktop: controls.desktop.checked }
    save()
  })
  controls.sound.addEventListener('change', () => {
    prefs = { ...prefs, sound: controls.sound.checked }
    save()
    if (prefs.sound) chime()
  })

  // Ids already seen: null until the first list, so what waited before the page opened does not ring.
  let known: Set<number> | null = null
  return {
    /** Called with every pending list: rings for items for a person that were not there before. */
    seen(items: readonly SuggestionItem[]): void {
      const waiting = items.filter((i) => i.status === 'pending' && i.needsHuman)
      const fresh = known ? waiting.filter((i) => !known!.has(i.id)) : []
      known = new Set([...(known ?? []), ...waiting.map((i) => i.id)])
      if (fresh.length === 0) return
      if (prefs.desktop && supported && Notification.permission === 'granted') {
        for (const item of fresh.slice(0, 3)) {
          new Notification(`需人工 · ${item.groupName} · ${item.memberName}`, { body: item.question.slice(0, 120), tag: `qundesk-${item.id}` })
        }
      }
      if (prefs.sound) chime()
    },
  }
}
