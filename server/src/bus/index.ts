export { BusError, type Bus, type BusListener, type Delivery, type Notice } from './bus.ts';
export { LocalBus } from './local.ts';
export { openPostgresBus, PostgresBus } from './postgres.ts';
