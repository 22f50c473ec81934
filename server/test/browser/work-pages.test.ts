// The runtime UI's work pages end to end in Chromium (issue 10): a planned meeting in the
// calendar under its category, hiding the category, moving it by dragging, planning one in a
// free slot; starting an approval from the document's card, completing its tasks from the inbox
// and watching the document's status change; reading notifications from the bell and the inbox.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { v7 as uuidv7 } from 'uuid';
import type { Browser, Page } from 'playwright-core';
import type { EntityModel } from '../../src/compile/compile.js';
import { createDepartment, setDepartment } from '../helpers/access-org.js';
import { launchBrowser, screenshot, signIn, startUiServer, type UiServer } from '../helpers/browser.js';

jest.setTimeout(90_000);

type Json = Record<string, unknown>;

let server: UiServer;
let browser: Browser;
let sales: { id: string };
let counterparty = '';
let meeting = '';
let document = '';

async function as(login: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: Json): Promise<Json> {
  const r = await server.as(login, { method, url, ...(payload ? { payload } : {}) });
  if (r.statusCode >= 400) throw new Error(`${method} ${url}: ${r.statusCode} ${r.body}`);
  return r.json();
}

async function until(check: () => Promise<boolean>, timeout = 15_000): Promise<boolean> {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  return check();
}

/** The calendar works in the app's time zone; its browser runs in another one, far from it. */
const BROWSER_ZONE = 'America/New_York';
const appZone = () => server.model.app.timezone ?? 'UTC';

/** Today's date in the app's zone (YYYY-MM-DD). */
function appToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: appZone(), year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/** Today at the given hour of the app's zone. */
function todayAt(hour: number): Date {
  const guess = new Date(`${appToday()}T${String(hour).padStart(2, '0')}:00:00Z`);
  const wall = new Intl.DateTimeFormat('sv-SE', { timeZone: appZone(), year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(guess);
  const offset = Date.parse(`${wall.replace(' ', 'T')}Z`) - guess.getTime();
  return new Date(guess.getTime() - offset);
}

/** The English label of an option of a field, from the metadata the server runs. */
function optionLabel(entity: string, field: string, value: unknown): string {
  const def = (server.model.entities.get(entity) as EntityModel).fields.find((f) => f.name === field)?.def;
  return String(def?.options?.find((o) => o.value === value)?.label.en ?? value);
}

async function menuClick(page: Page, path: string): Promise<void> {
  await page.locator(`[data-testid="main-menu"] [data-menu-id$="-${path}"]`).click();
  await page.waitForURL((url) => url.pathname === path);
}

beforeAll(async () => {
  server = await startUiServer();
  await server.login('wp_admin', ['administrator']);
  const head = await server.login('wp_head', ['head_of_sales']);
  sales = await server.login('wp_sales', ['sales_manager']);
  await server.login('wp_lawyer', ['lawyer']);
  const dept = await createDepartment(server.db, 'WP Sales', head.id);
  await setDepartment(server.db, sales.id, dept, head.id);
  await setDepartment(server.db, head.id, dept, null);
  counterparty = String((await as('wp_sales', 'POST', '/api/data/counterparty', { brand: 'Лютик', phone: '+7 495 711-22-33' })).id);
  meeting = String((await as('wp_sales', 'POST', '/api/data/interaction', { type: 'meeting', counterparty, plannedAt: todayAt(10).toISOString(), durationMinutes: 60 })).id);
  document = String((await as('wp_sales', 'POST', '/api/data/document', { type: 'contract', number: 'WP-1', counterparty, responsible: sales.id })).id);
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('calendar', () => {
  let page: Page;
  const eventOf = () => page.locator(`[data-testid="calendar-event"][data-event-id="interactions:${meeting}"]`);

  beforeAll(async () => {
    page = await signIn(browser, server, 'wp_sales', 'en', BROWSER_ZONE);
  });

  it('shows the planned meeting under its category, from the menu entry of the calendar', async () => {
    await page.goto(server.url);
    await menuClick(page, '/calendar/interactions');
    await eventOf().first().waitFor();
    expect(await eventOf().first().getAttribute('data-category')).toBe('meetings');
    expect(await eventOf().first().textContent()).toContain('Meeting: Лютик');
    // The event wears its category's color, as the legend does.
    const color = await eventOf().first().evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor);
    expect(color).toBe('rgb(82, 196, 26)');
    expect(await page.getByTestId('calendar-category-meetings').textContent()).toBe('Meetings');
    await screenshot(page, 'calendar-month');
  });

  it('hides the category and shows it again', async () => {
    await page.getByTestId('calendar-category-meetings').click();
    expect(await until(async () => (await eventOf().count()) === 0)).toBe(true);
    expect(await page.getByTestId('calendar-category-meetings').getAttribute('aria-pressed')).toBe('false');
    await screenshot(page, 'calendar-category-hidden');
    await page.getByTestId('calendar-category-meetings').click();
    await eventOf().first().waitFor();
  });

  it('moves the meeting by dragging it in the week view, and the record follows', async () => {
    await page.getByTestId('calendar-view-week').click();
    await page.getByTestId('calendar-timegrid').waitFor();
    const column = page.getByTestId(`calendar-column-${appToday()}`);
    await eventOf().first().dragTo(column, { targetPosition: { x: 30, y: 14 * 44 + 10 } });
    const moved = todayAt(14).toISOString();
    expect(await until(async () => (await as('wp_sales', 'GET', `/api/data/interaction/${meeting}`)).plannedAt === moved)).toBe(true);
    const record = await as('wp_sales', 'GET', `/api/data/interaction/${meeting}`);
    expect(record).toMatchObject({ plannedAt: moved, durationMinutes: 60, version: 2 });
    // The calendar shows it at the new time.
    expect(await until(async () => ((await eventOf().first().textContent()) ?? '').includes('14:00'))).toBe(true);
    await screenshot(page, 'calendar-week');
  });

  it('plans a new interaction in a free slot: the form opens with its start filled in', async () => {
    await page.getByTestId(`calendar-column-${appToday()}`).click({ position: { x: 10, y: 16 * 44 + 5 } });
    await page.waitForURL((url) => url.pathname === '/data/interaction/new');
    const params = new URL(page.url()).searchParams;
    expect(params.get('plannedAt')).toBe(todayAt(16).toISOString());
    expect(params.get('return')).toMatch(/^\/calendar\/interactions\?view=week/);
    await page.getByTestId('card').waitFor();
    await screenshot(page, 'calendar-new-interaction');
    await page.goBack();
    await page.getByTestId('calendar-view-agenda').click();
    await page.getByTestId('calendar-agenda').waitFor();
    expect(await page.getByTestId('calendar-agenda').textContent()).toContain('Meeting: Лютик');
    await screenshot(page, 'calendar-agenda');
  });
});

describe('tasks', () => {
  it('starts the approval from the document card and shows the process with its history', async () => {
    const page = await signIn(browser, server, 'wp_sales');
    const before = (await as('wp_sales', 'GET', `/api/data/document/${document}`)).approvalStatus;
    await page.goto(`${server.url}/data/document/${document}`);
    await page.getByTestId('card-tab-$processes').click();
    await page.getByTestId('process-start-document-approval').click();
    await page.getByTestId('process-instance').first().waitFor();
    const after = (await as('wp_sales', 'GET', `/api/data/document/${document}`)).approvalStatus;
    expect(after).not.toBe(before);
    // The card was read again after the start: it shows the status the process set.
    expect(await until(async () => ((await page.getByTestId('card-fields-main').textContent()) ?? '').includes(optionLabel('document', 'approvalStatus', after)))).toBe(true);
    expect(await page.getByTestId('process-waiting').textContent()).toMatch(/\S/);
    expect(await page.getByTestId('process-event').count()).toBeGreaterThan(0);
    await screenshot(page, 'card-processes');
    await page.context().close();
  });

  it('shows an overdue group task highlighted', async () => {
    const offered = await as('wp_admin', 'POST', '/api/data/sys_task', { title: 'Call back Лютик', candidateRole: 'sales_manager', dueAt: new Date(Date.now() - 3_600_000).toISOString() });
    const page = await signIn(browser, server, 'wp_sales');
    await page.goto(server.url);
    await menuClick(page, '/tasks');
    const row = page.locator(`[data-testid="task-row"][data-task-id="${String(offered.id)}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-overdue')).toBe('true');
    expect(await row.textContent()).toContain('overdue');
    expect(await row.textContent()).toContain('offered to');
    await screenshot(page, 'tasks');
    await page.context().close();
  });

  it('completes the approval tasks from the inbox and the document status changes', async () => {
    const statuses: unknown[] = [(await as('wp_sales', 'GET', `/api/data/document/${document}`)).approvalStatus];
    for (const login of ['wp_lawyer', 'wp_head']) {
      const inbox = (await as(login, 'GET', '/api/tasks?assignee=me&status=open')).items as Array<{ id: string; recordId: string; outcomes: string[] }>;
      const task = inbox.find((i) => i.recordId === document);
      if (!task) throw new Error(`${login} has no task for the document`);
      // The first outcome the process offers is its way forward; its name comes from the task.
      const outcome = task.outcomes[0] as string;
      const page = await signIn(browser, server, login);
      await page.goto(`${server.url}/tasks`);
      const row = page.locator(`[data-testid="task-row"][data-task-id="${task.id}"]`);
      await row.getByTestId('task-open').click();
      await page.getByTestId('task-form').waitFor();
      await page.getByTestId(`task-outcome-${outcome}`).click();
      await page.getByTestId('task-comment').fill(`ok from ${login}`);
      if (login === 'wp_lawyer') await screenshot(page, 'task-drawer');
      await page.getByTestId('task-complete').click();
      await row.waitFor({ state: 'detached' });
      const done = (await as(login, 'GET', '/api/tasks?assignee=me&status=completed')).items as Array<Json>;
      expect(done.find((i) => i.id === task.id)).toMatchObject({ status: 'completed', outcome, comment: `ok from ${login}` });
      statuses.push((await as('wp_sales', 'GET', `/api/data/document/${document}`)).approvalStatus);
      if (login === 'wp_head') {
        // The head opens the document and sees the status the approval gave it.
        await page.goto(`${server.url}/data/document/${document}`);
        const label = optionLabel('document', 'approvalStatus', statuses.at(-1));
        expect(await until(async () => ((await page.getByTestId('card-fields-main').textContent()) ?? '').includes(label))).toBe(true);
        await page.getByTestId('card-tab-$processes').click();
        expect(await page.getByTestId('process-instance').first().textContent()).toContain(`ok from ${login}`);
        await screenshot(page, 'task-record-changed');
      }
      await page.context().close();
    }
    // Approved by both: the status moved on from where the start left it.
    expect(statuses.at(-1)).not.toBe(statuses[0]);
  });
});

describe('notifications', () => {
  async function notify(subject: string): Promise<string> {
    const id = uuidv7();
    await server.db.query(
      `INSERT INTO sys_notification (id, created_at, updated_at, version, owner, recipient, subject, body, record_entity, record_id)
       VALUES ($1, now(), now(), 1, $2, $2, $3::text, 'Body of ' || $3::text, 'document', $4)`,
      [id, sales.id, subject, document],
    );
    return id;
  }

  it('counts unread notices on the bell, opens one on its record and marks the rest read', async () => {
    const first = await notify('Contract WP-1 expires in 7 days');
    await notify('Contract WP-1 needs a signature');
    const page = await signIn(browser, server, 'wp_sales');
    await page.goto(`${server.url}/data/counterparty`);
    expect(await until(async () => (await page.getByTestId('notification-count').getAttribute('data-count')) === '2')).toBe(true);
    await page.getByTestId('notification-bell').click();
    await page.getByTestId('notification-popover').waitFor();
    expect(await page.getByTestId('notification-popover-item').count()).toBe(2);
    await screenshot(page, 'notifications-bell');
    await page.getByTestId('notification-all').click();
    await page.waitForURL((url) => url.pathname === '/notifications');
    await page.getByTestId('notification-item').first().waitFor();
    await screenshot(page, 'notifications');

    // Opening one marks it read and leads to its record.
    await page.locator('[data-testid="notification-item"]', { hasText: 'expires in 7 days' }).getByTestId('notification-open').click();
    await page.waitForURL((url) => url.pathname === `/data/document/${document}`);
    expect(await until(async () => (await page.getByTestId('notification-count').getAttribute('data-count')) === '1')).toBe(true);
    const [row] = await server.db.query<{ read_at: string | null }>('SELECT read_at FROM sys_notification WHERE id = $1', [first]);
    expect(row?.read_at).not.toBeNull();

    await page.goto(`${server.url}/notifications`);
    await page.getByTestId('notification-item').first().waitFor();
    const unread = page.locator('[data-testid="notification-item"][data-read="false"]');
    expect(await unread.count()).toBe(1);
    await unread.getByTestId('notification-mark-read').click();
    expect(await until(async () => (await unread.count()) === 0)).toBe(true);
    expect(await until(async () => (await page.getByTestId('notification-count').getAttribute('data-count')) === '0')).toBe(true);
    await page.getByTestId('notifications-unread-only').click();
    await page.getByTestId('notifications-empty').waitFor();
  });
});
