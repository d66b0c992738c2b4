/** The crypto worker's entry point: the only place where Threadline's private keys live. */
import { expose } from '../rpc.ts';
import { CryptoService } from './service.ts';

expose(new CryptoService());
