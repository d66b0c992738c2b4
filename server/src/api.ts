/** The relay's HTTP API: site configuration, visitor registration, agent sign-in and inbox. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHmac } from 'node:crypto';
import { isBase64Url, isId, type AgentSession, type KeyBackup, type PreLogin, type SiteConfig, type VisitorRegistration } from '@threadline/sdk/protocol';
import { HttpError, readJson, sendJson, voice } from './responses.ts';
import type { Principal, Store } from './store.ts';
import type { Hub } from './hub.ts';

const BODY_LIMIT = 64 * 1024;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}$/;
const KDF_ITERATIONS = 600_000;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function field<T>(body: unknown, name: string, valid: (value: unknown) => value is T, action: string): T {
  const value = isObject(body) ? body[name] : undefined;
  if (!valid(value)) {
    throw new HttpError(400, 'bad_frame', voice(action, `'${name}' is missing or invalid`, 'Send the fields the API documents.'));
  }
  return value;
}

const isPublicKey = (value: unknown): value is string => isBase64Url(value, 64) && Buffer.from(value, 'base64url').length === 32;
const isEmail = (value: unknown): value is string => typeof value === 'string' && EMAIL.test(value);
const isBackup = (value: unknown): value is KeyBackup =>
  isObject(value) && value.v === 1 && isPublicKey(value.publicKey) && isBase64Url(value.iv, 32) && isBase64Url(value.wrapped, 1024);

const notFound = (what: string) => new HttpError(404, 'not_found', voice('find ' + what, 'it does not exist', 'Check the site id in the script tag.'));

/** Resolves the bearer token of an agent request. */
function agentOf(req: IncomingMessage, store: Store): Extract<Principal, { role: 'agent' }> {
  const token = /^Bearer ([A-Za-z0-9_-]{1,128})$/.exec(req.headers.authorization ?? '')?.[1];
  const principal = token ? store.principal(token) : undefined;
  if (principal?.role !== 'agent') {
    throw new HttpError(401, 'unauthorized', voice('authorise the request', 'the session is missing or expired', 'Sign in again.'));
  }
  return principal;
}

export function createApi(store: Store, hub: Hub) {
  const routes: Record<string, (req: IncomingMessage, params: string[]) => Promise<unknown> | unknown> = {
    'GET /healthz': () => ({ ok: true, service: 'threadline-relay', protocol: 1 }),

    'GET /v1/sites/:id/config': (_req, [id]): SiteConfig => {
      const site = store.site(id!);
      if (!site) throw notFound(`site '${id}'`);
      return { site: site.id, name: site.name, inboxKey: site.inboxKey };
    },

    'POST /v1/sites/:id/visitors': async (req, [id]): Promise<VisitorRegistration> => {
      const site = store.site(id!);
      if (!site) throw notFound(`site '${id}'`);
      const publicKey = field(await readJson(req, BODY_LIMIT), 'publicKey', isPublicKey, 'register the visitor');
      const conversation = store.createConversation(site.id, publicKey);
      hub.toAgents(site.id, { type: 'conversation', conversation });
      return { conversationId: conversation.id, token: store.issueToken({ role: 'visitor', site: site.id, conversationId: conversation.id }) };
    },

    'POST /v1/agent/prelogin': async (req): Promise<PreLogin> => {
      const email = field(await readJson(req, BODY_LIMIT), 'email', isEmail, 'start signing in');
      const agent = store.agentByEmail(email);
      if (agent) return { salt: agent.kdfSalt, iterations: agent.kdfIterations };
      // Unknown addresses get a stable, plausible salt so the answer does not reveal who is an agent.
      const salt = createHmac('sha256', store.secret('prelogin')).update(email.toLowerCase()).digest().subarray(0, 16);
      return { salt: salt.toString('base64url'), iterations: KDF_ITERATIONS };
    },

    'POST /v1/agent/session': async (req): Promise<AgentSession> => {
      const body = await readJson(req, BODY_LIMIT);
      const email = field(body, 'email', isEmail, 'sign in');
      const authKey = field(body, 'authKey', (v): v is string => isBase64Url(v, 64), 'sign in');
      const agent = await store.verifyAgent(email, authKey);
      if (!agent) throw new HttpError(401, 'unauthorized', voice('sign in', 'the email or password is wrong', 'Check both and try again.'));
      const token = store.issueToken({ role: 'agent', site: agent.site, agentId: agent.id });
      return { token, site: agent.site, email: agent.email, name: agent.name, keyBackup: agent.keyBackup };
    },

    'PUT /v1/agent/inbox-key': async (req) => {
      const agent = agentOf(req, store);
      const backup = field(await readJson(req, BODY_LIMIT), 'backup', isBackup, 'save the organisation key');
      if (!store.setInboxKey(agent.site, backup.publicKey)) {
        throw new HttpError(409, 'conflict', voice('save the organisation key', 'the site already has a different inbox key', 'Sign in with an agent that holds the key backup.'));
      }
      store.setKeyBackup(agent.agentId, backup);
      return { ok: true };
    },

    'GET /v1/agent/conversations': (req) => ({ conversations: store.conversations(agentOf(req, store).site) }),
  };

  const table = Object.entries(routes).map(([key, handler]) => {
    const [method, pattern] = key.split(' ') as [string, string];
    const regex = new RegExp('^' + pattern.replace(/:id/g, '([^/]+)') + '$');
    return { method, regex, handler };
  });

  /** Handles the request if a route matches; returns false otherwise. */
  return async function handle(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> {
    const matches = table.filter((route) => route.regex.test(pathname));
    if (matches.length === 0) return false;
    const route = matches.find((candidate) => candidate.method === req.method);
    if (!route) {
      throw new HttpError(405, 'bad_frame', voice('handle the request', `${req.method} is not allowed on ${pathname}`, `Use ${matches.map((m) => m.method).join(' or ')}.`));
    }
    const params = route.regex.exec(pathname)!.slice(1).map(decodeURIComponent);
    if (params.some((param) => !isId(param))) throw notFound(`'${params.join('/')}'`);
    sendJson(res, 200, await route.handler(req, params));
    return true;
  };
}
