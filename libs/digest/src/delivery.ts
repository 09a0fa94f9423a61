import { createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Transporter } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { fluidSvg, rasterize } from './charts.js';
import { InjectConfig, type AppConfig } from '@sunlight/config';

export interface OutgoingDigest {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** `pngCid` is missing in digests composed before the charts had a PNG. */
  charts: { cid: string; pngCid?: string; title: string; svg: string }[];
}

/** A delivery failure worth retrying (4xx, connection trouble) or not (5xx). */
export class DeliveryError extends Error {
  constructor(message: string, readonly permanent: boolean) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/**
 * Mail over SMTP (nodemailer): multipart text + HTML, the charts as inline SVG parts the HTML
 * refers to by Content-ID. The Message-ID is the digest's own, so a message resent after a
 * crash between "accepted" and "recorded" is recognisably the same message.
 */
@Injectable()
export class Mailer {
  private transport: Transporter | null = null;

  constructor(@InjectConfig() private readonly config: AppConfig) {}

  get configured(): boolean {
    return !!this.config.mail.smtpUrl;
  }

  async send(d: OutgoingDigest): Promise<string> {
    // Loaded when mail is sent: every process that never sends one starts without it.
    this.transport ??= (await import('nodemailer')).default.createTransport(this.config.mail.smtpUrl!, { from: this.config.mail.from });
    const messageId = `<sunlight-digest-${d.id}@${new URL(this.config.mail.consoleUrl).hostname || 'sunlight'}>`;
    try {
      const info = await this.transport.sendMail({
        to: d.to,
        subject: d.subject,
        text: d.text,
        html: d.html,
        messageId,
        attachments: await chartParts(d.charts),
      });
      return info.messageId ?? messageId;
    } catch (err) {
      const e = err as { responseCode?: number; message: string; code?: string };
      const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500 && e.code !== 'ECONNECTION';
      throw new DeliveryError(`${e.responseCode ? `SMTP ${e.responseCode}: ` : ''}${e.message}`, permanent);
    }
  }

  close(): void {
    this.transport?.close();
    this.transport = null;
  }
}

/**
 * Each chart as the mail's inline parts: the SVG sized to the screen, and the PNG the HTML
 * falls back to (rasterised now; where the rasteriser is missing, the SVG stands under the
 * PNG's Content-ID too, for the clients that show SVG).
 */
async function chartParts(charts: OutgoingDigest['charts']): Promise<Mail.Attachment[]> {
  const parts: Mail.Attachment[] = [];
  for (const c of charts) {
    const name = c.cid.split('@')[0];
    const svg = fluidSvg(c.svg);
    parts.push({ filename: `${name}.svg`, content: svg, contentType: 'image/svg+xml', cid: c.cid, contentDisposition: 'inline' });
    if (!c.pngCid) continue;
    const png = await rasterize(c.svg);
    parts.push(png ? { filename: `${name}.png`, content: png, contentType: 'image/png', cid: c.pngCid, contentDisposition: 'inline' } : { filename: `${name}.svg`, content: svg, contentType: 'image/svg+xml', cid: c.pngCid, contentDisposition: 'inline' });
  }
  return parts;
}

/** JSON to the office chat system, signed: X-Sunlight-Signature: sha256=HMAC(secret, body). */
@Injectable()
export class WebhookSender {
  constructor(@InjectConfig() private readonly config: AppConfig) {}

  get configured(): boolean {
    return !!this.config.mail.webhookUrl;
  }

  async send(payload: Record<string, unknown>): Promise<string> {
    const body = JSON.stringify(payload);
    const signature = createHmac('sha256', this.config.mail.webhookSecret!).update(body).digest('hex');
    const res = await fetch(this.config.mail.webhookUrl!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sunlight-signature': `sha256=${signature}` },
      body,
      signal: AbortSignal.timeout(15_000),
    });
    if (!res.ok) throw new DeliveryError(`webhook ${res.status}`, res.status >= 400 && res.status < 500 && res.status !== 429);
    return `${res.status}`;
  }
}
