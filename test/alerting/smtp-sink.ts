/**
 * A mail server on loopback that keeps every message Alertmanager sends, parsed. It asks for a
 * login (PLAIN or LOGIN, without TLS: Go's SMTP client sends credentials in the clear only to
 * 127.0.0.1) and refuses a wrong one, as a real relay would.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SmtpSink {
  /** host:port, for an email receiver's smarthost. */
  smarthost: string;
  messages: ParsedMail[];
  /** Logins refused for a wrong username or password. */
  refusedLogins: number;
  stop(): Promise<void>;
}

export async function startSmtpSink(credentials: { username: string; password: string }): Promise<SmtpSink> {
  const sink = { messages: [] as ParsedMail[], refusedLogins: 0 };
  const server = new SMTPServer({
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === credentials.username && auth.password === credentials.password) return callback(null, { user: auth.username });
      sink.refusedLogins++;
      return callback(new Error('invalid username or password'));
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          sink.messages.push(mail);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    smarthost: `127.0.0.1:${port}`,
    get messages() {
      return sink.messages;
    },
    get refusedLogins() {
      return sink.refusedLogins;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
