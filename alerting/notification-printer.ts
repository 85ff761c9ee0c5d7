/**
 * The demo's notification receiver: a webhook on loopback that prints each alert of each
 * notification Alertmanager posts, one line apiece: in `npm start`'s terminal, or in the log of
 * docker-compose's notification-printer (`npm run notification-printer`). The demo venue's
 * `notifications:` section points its one receiver here (DEMO_ALERTS_PORT, default 9097).
 */
import { createServer, type Server } from 'node:http';
import { portFailure } from '../lifecycle/startup';

interface WebhookBody {
  alerts?: { status?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[];
}

const MAX_BODY_BYTES = 1_000_000;

/** `FIRING MachineFailing proj-07 (gallery-east): Machine proj-07 (gallery-east) has been failing for 5 minutes` */
export function notificationLines(body: WebhookBody): string[] {
  return (body.alerts ?? []).map(({ status = '?', labels = {}, annotations = {} }) => {
    const machine = labels.machine_id ? ` ${labels.machine_id}${labels.group ? ` (${labels.group})` : ''}` : '';
    const text = annotations.summary ?? annotations.reason ?? '';
    return `${status.toUpperCase()} ${labels.alertname ?? 'alert'}${machine}${text ? `: ${text}` : ''}`;
  });
}

export const DEFAULT_PRINTER_PORT = 9097;

export interface NotificationPrinter {
  url: string;
  stop(): Promise<void>;
}

export async function startNotificationPrinter(port: number, print: (line: string) => void = (line) => console.log(line)): Promise<NotificationPrinter> {
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > MAX_BODY_BYTES) request.destroy();
    });
    request.on('end', () => {
      try {
        for (const line of notificationLines(JSON.parse(body) as WebhookBody)) print(`notification: ${line}`);
        response.writeHead(200).end();
      } catch {
        response.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(portFailure(error, 'DEMO_ALERTS_PORT', port)));
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
