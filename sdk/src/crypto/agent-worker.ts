/** The agents' crypto worker's entry point (the console's): the visitor's worker and the team's own steps. */
import { expose } from '../rpc.ts';
import { AgentCryptoService } from './agent-service.ts';

expose(new AgentCryptoService());
