import { SandboxChain } from './sandbox-chain';
import type { SandboxChainOptions } from './sandbox-chain';
import { createSandboxRpcMethods } from './sandbox-rpc-methods';
import { SandboxRpcServer } from './sandbox-rpc-server';
import type { Logger } from '../../common/logger';

export interface SandboxChainServerOptions extends SandboxChainOptions {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Scope 'sandbox-chain' in the app's log; the CLI's JSON lines on stdout. */
  logger: Logger;
}

/**
 * The sandbox network's chain as one embeddable piece: the chain and its JSON-RPC
 * endpoint. The app starts one on loopback when the network is Sandbox; the
 * `sandbox-chain` command runs one on its own.
 */
export class SandboxChainServer {
  private chainInstance: SandboxChain | null = null;
  private server: SandboxRpcServer | null = null;

  constructor(private readonly options: SandboxChainServerOptions) {}

  /** Opens chain.db (making the USDC mint on first start) and listens. */
  async start(): Promise<void> {
    if (this.server) return;
    const chain = await SandboxChain.open(this.options);
    const server = new SandboxRpcServer({ logger: this.options.logger, methods: createSandboxRpcMethods(chain), host: this.options.host, port: this.options.port });
    try {
      await server.start();
    } catch (error) {
      chain.close();
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') {
        throw new Error(`Port ${this.options.port} is already in use, so the sandbox chain cannot listen there. Pick another port or stop the other program.`);
      }
      throw error;
    }
    this.chainInstance = chain;
    this.server = server;
  }

  /** The JSON-RPC URL, e.g. http://127.0.0.1:8899. */
  get url(): string {
    if (!this.server) throw new Error('The sandbox chain is not running.');
    return this.server.url;
  }

  get chain(): SandboxChain {
    if (!this.chainInstance) throw new Error('The sandbox chain is not running.');
    return this.chainInstance;
  }

  get running(): boolean {
    return this.server !== null;
  }

  async stop(): Promise<void> {
    const server = this.server;
    const chain = this.chainInstance;
    this.server = null;
    this.chainInstance = null;
    if (server) await server.stop();
    chain?.close();
  }
}
