/** `npm run notification-printer`: the demo venue's webhook receiver on its own, printing each notification. */
import { runProcess } from '../lifecycle/startup';
import { DEFAULT_PRINTER_PORT, startNotificationPrinter } from './notification-printer';

runProcess(async (startup) => {
  const printer = await startNotificationPrinter(Number(process.env.DEMO_ALERTS_PORT ?? DEFAULT_PRINTER_PORT));
  startup.started('the notification printer', printer.stop);
  console.log(`printing the notifications posted to ${printer.url}; Ctrl-C stops`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
});
