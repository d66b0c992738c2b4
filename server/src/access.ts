/**
 * Who may call each route of the relay's HTTP API, in one table: the API refuses to start if a
 * route is missing here, so a new route is placed deliberately. `admin` routes change the
 * organisation (team, devices, keys, messengers, allowed websites) and answer an agent who is not
 * an admin with 403 `forbidden`; the others check their own session in their handler.
 */
export type Access =
  /** Anyone: health, site config and embedding, sign-in. */
  | 'public'
  /** A visitor's or an agent's session, checked by the handler. */
  | 'session'
  /** Any signed-in agent of the site, admin or not. */
  | 'agent'
  /** An admin agent only; `action` names what was refused. */
  | { admin: string };

export const ROUTE_ACCESS: Record<string, Access> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /v1/sites/:id/config': 'public',
  'GET /v1/sites/:id/embed': 'public',
  'POST /v1/sites/:id/visitors': 'public',
  'GET /v1/sites/:id/devices/:id/bundle': 'session',
  'POST /v1/agent/prelogin': 'public',
  'POST /v1/agent/session': 'public',
  'POST /v1/agent/invites': { admin: 'invite an agent' },
  'POST /v1/agent/invites/accept': 'public',
  'PUT /v1/agent/org': { admin: 'set up the organisation keys' },
  'POST /v1/agent/devices': 'agent',
  'POST /v1/agent/devices/prekeys': 'agent',
  'GET /v1/agent/devices': 'agent',
  'PUT /v1/agent/directory': { admin: 'approve or revoke devices' },
  'GET /v1/agent/channels': 'agent',
  'PUT /v1/agent/channels': { admin: 'save the messenger settings' },
  'GET /v1/agent/origins': 'agent',
  'PUT /v1/agent/origins': { admin: 'save the allowed origins' },
  'GET /v1/agent/share-text': 'agent',
  'PUT /v1/agent/share-text': { admin: 'choose whether pages receive message text' },
  'GET /v1/agent/conversations': 'agent',
  'GET /v1/agent/saved-replies': 'agent',
  'PUT /v1/agent/saved-replies': 'agent',
  'POST /v1/conversations/:id/handoff': 'session',
  'POST /v1/agent/conversations/:id/channel-reply': 'agent',
  'POST /v1/agent/conversations/:id/channel-file/:id': 'agent',
  'POST /v1/agent/conversations/merge': 'agent',
  'PUT /v1/agent/conversations/:id/status': 'agent',
  'GET /v1/agent/team': 'agent',
  'PUT /v1/agent/conversations/:id/assignee': 'agent',
  'PUT /v1/conversations/:id/blobs/:id': 'session',
  'GET /v1/conversations/:id/blobs/:id': 'session',
};
