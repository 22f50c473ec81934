/**
 * The e-mail outbox: ntf_delivery rows of the e-mail channel, written by sendNotice in the
 * notice's transaction and sent afterwards over SMTP (nodemailer, SMTP_URL). The table is the
 * queue: each server claims due rows with FOR UPDATE SKIP LOCKED, so two servers never send the
 * same row, and keeps the row locked while it talks to the SMTP server; a crash mid-send rolls
 * the claim back and the row is sent again later, with the same Message-ID — a crash after the
 * SMTP server's 250 and before the commit sends it twice (docs/reliability.md). A failed
 * attempt is recorded (attempts, last error) and retried with exponential backoff; after
 * MAX_ATTEMPTS the delivery is marked failed.
 * Without SMTP_URL e-mail is recorded, not sent: pending rows become `unsent`.
 */
import nodemailer from 'nodemailer';
import type { Db } from '../db/db.js';

export const MAX_ATTEMPTS = 6;
/** First retry after this long, doubling each time (30 s, 1 min, 2 min, 4 min, 8 min). */
export const RETRY_BASE_MS = 30_000;

export interface MailMessage {
  messageId: string;
  from: string;
  to: string;
  subject: string;
  text: string;
}

/** Sends one message; throws when the SMTP server refuses it or cannot be reached. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

export function smtpMailer(url: string): Mailer {
  // One pooled connection: the outbox sends one message at a time, and a connection per message
  // (TCP, greeting, EHLO, QUIT) made a backlog drain several times slower.
  const transport = nodemailer.createTransport({ url, pool: true, maxConnections: 1 });
  return {
    async send(message) {
      await transport.sendMail({ messageId: message.messageId, from: message.from, to: message.to, subject: message.subject, text: message.text });
    },
    close() {
      transport.close();
    },
  };
}

export function retryDelayMs(attempts: number): number {
  return RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1);
}

interface OutboxRow {
  id: string;
  address: string | null;
  subject: string;
  body: string | null;
  attempts: number;
  notification_id: string | null;
}

export interface OutboxRun {
  sent: number;
  failed: number;
  retried: number;
}

/**
 * Sends the pending e-mails due by `now`, up to `limit`, one transaction each. With no mailer
 * they are marked `unsent` (recorded, not sent).
 */
export async function sendPendingEmails(db: Db, mailer: Mailer | undefined, options: { from: string; now: Date; limit?: number; domain?: string }): Promise<OutboxRun> {
  const run: OutboxRun = { sent: 0, failed: 0, retried: 0 };
  const now = options.now;
  if (!mailer) {
    await db.query(`UPDATE ntf_delivery SET status = 'unsent' WHERE channel = 'email' AND status = 'pending'`);
    return run;
  }
  const limit = options.limit ?? 50;
  for (let i = 0; i < limit; i++) {
    const outcome = await db.transaction(async (tx) => {
      const [row] = await tx.query<OutboxRow>(
        `SELECT id::text AS id, address, subject, body, attempts, notification_id::text AS notification_id FROM ntf_delivery
          WHERE channel = 'email' AND status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= $1)
          ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
        [now.toISOString()],
      );
      if (!row) return 'none' as const;
      const attempts = row.attempts + 1;
      try {
        if (!row.address) throw new Error('no address');
        await mailer.send({ messageId: `<${row.id}@${options.domain ?? 'cardo.local'}>`, from: options.from, to: row.address, subject: row.subject, text: row.body ?? '' });
      } catch (error) {
        const message = String((error as Error).message ?? error).slice(0, 2000);
        const failed = attempts >= MAX_ATTEMPTS;
        await tx.query(`UPDATE ntf_delivery SET attempts = $2, last_error = $3, status = $4, next_attempt_at = $5 WHERE id = $1`, [row.id, attempts, message, failed ? 'failed' : 'pending', failed ? null : new Date(now.getTime() + retryDelayMs(attempts)).toISOString()]);
        if (failed && row.notification_id) await tx.query(`UPDATE sys_notification SET email_status = 'failed' WHERE id = $1`, [row.notification_id]);
        return failed ? ('failed' as const) : ('retried' as const);
      }
      await tx.query(`UPDATE ntf_delivery SET attempts = $2, status = 'sent', sent_at = $3, next_attempt_at = NULL WHERE id = $1`, [row.id, attempts, now.toISOString()]);
      if (row.notification_id) await tx.query(`UPDATE sys_notification SET email_status = 'sent' WHERE id = $1`, [row.notification_id]);
      return 'sent' as const;
    });
    if (outcome === 'none') break;
    run[outcome]++;
  }
  return run;
}
