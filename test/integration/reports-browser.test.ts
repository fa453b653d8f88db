/// <reference lib="dom" />
import { describe, expect, it } from 'vitest'
import { loginThroughForm, screenshot, useBrowser } from './browser.js'
import { AGENT_PASSWORD, buildReportDay } from './report-day.js'

// Pages render asynchronously; give a loaded two-core CI machine room before a check fails.
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000, interval: 50 })

// Six questions, decisions and replies one after another through the puppet, the outbox and HTTP: a loaded
// two-core machine needs more than the default 30 s for the whole day (nothing here waits on a timer).
const DAY_TIMEOUT_MS = 90_000

const browser = useBrowser()

describe('the reports page in Chromium', () => {
  it('shows first-contact resolution and satisfaction beside the KPIs, per intent and per agent, with their CSVs', async () => {
    const day = await buildReportDay({ adopt: (app) => browser.adopt(app) })
    day.settle()
    const page = await browser.newPage()
    await loginThroughForm(page, day.t.app.url, '小王', AGENT_PASSWORD, '/reports')

    await poll(() => page.locator('[data-kpi="resolution"]').textContent()).toBe('首次解决率80%')
    expect(await page.locator('[data-kpi="satisfaction"]').textContent()).toBe('满意率50%')
    expect(await page.locator('#kpis').textContent()).toContain('问题数6')
    expect(await page.locator('#resolution-window').textContent()).toBe('24')

    const agentRows = page.locator('#table-agents tbody tr')
    await poll(() => agentRows.count()).toBe(2)
    const li = (await agentRows.nth(0).locator('td').allTextContents())
    expect(li.slice(0, 6)).toEqual(['小李', '3', '1', '2', '0', '1'])
    expect(li.slice(8)).toEqual(['66.7%', '0 / 1 / 2', '0%'])
    const wang = (await agentRows.nth(1).locator('td').allTextContents())
    expect(wang.slice(0, 6)).toEqual(['小王', '2', '1', '0', '1', '0'])
    // Response times in seconds, as the header says.
    expect(await page.locator('#table-agents thead').textContent()).toContain('响应中位数(秒)')
    expect(wang[6]).toMatch(/^\d+\.\d$/)

    const intentRows = await page.locator('#table-intents tbody tr').allTextContents()
    expect(intentRows[0]).toMatch(/^invoice\.issue2/)
    expect(intentRows.at(-1)).toMatch(/^（未匹配）1/)
    expect(await page.locator('#table-groups tbody').textContent()).toContain('80%')
    const outcomesChart = await page.evaluate(() => {
      const chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement | null): { data: { datasets: Array<{ label: string; data: Array<number | null> }> } } | undefined } })
        .Chart.getChart(document.getElementById('chart-outcomes') as HTMLCanvasElement)
      return chart?.data.datasets.map((d) => [d.label, d.data.filter((v) => v !== null)])
    })
    expect(outcomesChart).toEqual([['首次解决率', [80]], ['满意率', [50]]])
    await screenshot(page, 'reports-figures')

    const href = await page.locator('a.csv[data-table="agents"]').getAttribute('href')
    const csv = await page.evaluate(async (url) => (await (await fetch(url!)).text()), href)
    expect(csv.split('\r\n')[0]).toContain('坐席,处理,按草稿发送,编辑后发送,拒绝,关闭需人工,响应中位数(秒),响应P90(秒)')
    expect(csv).toContain('小李,3,1,2,0,1,')
  }, DAY_TIMEOUT_MS)
})
