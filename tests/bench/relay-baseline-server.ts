/**
 * The relay benchmark's baseline, as a child process: a bare `ws` server speaking just enough of the
 * protocol for the same load driver (hello → welcome, send → ack and forward to the agents), with
 * no validation, no authorisation and no storage. The relay's figures are read against it.
 */
import { WebSocketServer, type WebSocket } from 'ws';

const agents = new Set<WebSocket>();
const seqs = new Map<string, number>();
const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(process.env.BENCH_PORT) });

wss.on('connection', (socket) => {
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { type: string; token?: string; envelope?: { conversationId: string; id: string } };
    if (frame.type === 'hello') {
      const role = frame.token!.startsWith('agent') ? 'agent' : 'visitor';
      if (role === 'agent') agents.add(socket);
      socket.send(JSON.stringify({ type: 'welcome', role }));
    } else if (frame.type === 'send') {
      const { envelope } = frame;
      const seq = (seqs.get(envelope!.conversationId) ?? 0) + 1;
      seqs.set(envelope!.conversationId, seq);
      const at = Date.now();
      socket.send(JSON.stringify({ type: 'ack', conversationId: envelope!.conversationId, id: envelope!.id, seq, at }));
      const text = JSON.stringify({ type: 'message', envelope: { ...envelope, seq, at } });
      for (const agent of agents) agent.send(text);
    }
  });
  socket.on('close', () => agents.delete(socket));
});

process.on('message', ({ type }: { type: 'rss' | 'cpu' | 'stored' | 'commits' }) => {
  if (type === 'rss') globalThis.gc?.();
  const { user, system } = process.cpuUsage();
  process.send!({ type, value: type === 'rss' ? process.memoryUsage().rss : type === 'cpu' ? user + system : type === 'commits' ? null : 0 });
});
process.on('disconnect', () => process.exit(0));
wss.on('listening', () => process.send!({ type: 'ready', port: Number(process.env.BENCH_PORT), agentToken: 'agent' }));
