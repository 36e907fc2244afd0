import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { HTTP_STATUS_OF, HubError } from '../../common/hub/hub-errors';
import { MAX_HTTP_BODY_BYTES } from '../../common/hub/hub-protocol';
import { addressParamSchema, disputeRequestSchema, explorerPaymentsQuerySchema, explorerSeriesQuerySchema, extendRequestSchema, HUB_HTTP, paymentSubmissionSchema } from '../../common/hub/http-api';
import { explainRenterScore, explainWorkerScore, renterScore } from '../reputation/reputation-score';
import type { HubInfo, RenterReputation, WorkerReputation } from '../../common/hub/http-api';
import { clusterRequestSchema } from '../../common/hub/lease-types';
import { offerSearchQuerySchema } from '../../common/hub/market-types';
import { challengeRequestSchema, sessionRequestSchema } from '../../common/hub/sign-in-message';
import type { SessionTokens } from '../auth/session-tokens';
import type { SignInChallenges } from '../auth/sign-in-challenges';
import type { ExplorerStatsService } from '../explorer/explorer-stats';
import type { ExplorerSeriesRecorder } from '../explorer/explorer-series';
import { addressKeyOf, remoteHostOf } from '../gateway/remote-host';
import type { RateLimiter } from '../gateway/rate-limiter';
import type { LeaseService } from '../leases/lease-service';
import type { OfferSearch } from '../market/offer-search';
import type { HubStore } from '../store/hub-store';
import type { HubClock } from '../support/hub-clock';
import type { WorkerRegistry } from '../workers/worker-registry';
import { readJsonBody } from './json-body';
import type { Logger } from '../../common/logger';

export interface HubHttpApiDeps {
  logger: Logger;
  info: HubInfo;
  clock: HubClock;
  store: HubStore;
  challenges: SignInChallenges;
  sessions: SessionTokens;
  search: OfferSearch;
  leases: LeaseService;
  workers: WorkerRegistry;
  explorer: ExplorerStatsService;
  series: ExplorerSeriesRecorder;
  limiter: RateLimiter;
}

interface Call {
  request: IncomingMessage;
  url: URL;
  params: string[];
  /** The signed-in address; set for routes that need it. */
  address: string;
  /** The session token; set for routes that need it. */
  token: string;
}

interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  /** true: a renter session; 'any': a session of either audience (sign-out); false: none. */
  auth: boolean | 'any';
  run(call: Call): Promise<unknown>;
}

/**
 * The hub's HTTP API for renters and the explorer (see common/hub/http-api.ts for the
 * list). Every request is rate-limited per identity, every body is size-limited and parsed
 * with the call's zod schema, and every failure answers `{ error: { code, message } }`.
 */
export class HubHttpApi {
  private readonly routes: Route[];

  constructor(private readonly o: HubHttpApiDeps) {
    const id = '([A-Za-z0-9_-]{1,64})';
    const leases = HUB_HTTP.leases.replace(/\//g, '\\/');
    this.routes = [
      { method: 'GET', pattern: exact(HUB_HTTP.info), auth: false, run: async () => this.o.info },
      {
        method: 'POST',
        pattern: exact(HUB_HTTP.challenge),
        auth: false,
        run: async (c) => {
          const { address, audience } = parse(challengeRequestSchema, await this.body(c));
          return this.o.challenges.issue(address, audience, addressKeyOf(c.request.socket.remoteAddress));
        },
      },
      {
        method: 'POST',
        pattern: exact(HUB_HTTP.session),
        auth: false,
        run: async (c) => {
          const { address, audience } = this.o.challenges.redeem(parse(sessionRequestSchema, await this.body(c)));
          return { address, audience, ...(await this.o.sessions.create(address, audience)) };
        },
      },
      {
        method: 'POST',
        pattern: exact(HUB_HTTP.signOut),
        auth: 'any',
        run: async (c) => ({ signedOut: await this.o.sessions.revoke(c.token) }),
      },
      {
        method: 'GET',
        pattern: exact(HUB_HTTP.offers),
        auth: false,
        run: async (c) => this.o.search.search(parse(offerSearchQuerySchema, Object.fromEntries(c.url.searchParams)), this.o.clock.nowMs()),
      },
      {
        method: 'POST',
        pattern: exact(HUB_HTTP.quotes),
        auth: true,
        run: async (c) => this.o.leases.quote(c.address, parse(clusterRequestSchema, await this.body(c)), remoteHostOf(c.request)),
      },
      {
        method: 'GET',
        pattern: exact(HUB_HTTP.leases),
        auth: true,
        run: async (c) => ({ leases: await this.o.leases.list(c.address, 50) }),
      },
      { method: 'GET', pattern: new RegExp(`^${leases}/${id}$`), auth: true, run: async (c) => this.o.leases.view(c.address, c.params[0]!) },
      {
        method: 'POST',
        pattern: new RegExp(`^${leases}/${id}/payments$`),
        auth: true,
        run: async (c) => this.o.leases.submitPayment(c.address, c.params[0]!, parse(paymentSubmissionSchema, await this.body(c))),
      },
      {
        method: 'POST',
        pattern: new RegExp(`^${leases}/${id}/extend$`),
        auth: true,
        run: async (c) => ({ increments: await this.o.leases.extend(c.address, c.params[0]!, parse(extendRequestSchema, await this.body(c)).increments) }),
      },
      { method: 'POST', pattern: new RegExp(`^${leases}/${id}/terminate$`), auth: true, run: async (c) => this.o.leases.terminate(c.address, c.params[0]!) },
      { method: 'GET', pattern: new RegExp(`^${leases}/${id}/evidence$`), auth: true, run: async (c) => this.o.leases.evidence(c.address, c.params[0]!) },
      {
        method: 'POST',
        pattern: new RegExp(`^${leases}/${id}/dispute$`),
        auth: true,
        run: async (c) => this.o.leases.dispute(c.address, c.params[0]!, parse(disputeRequestSchema, await this.body(c)).complaint),
      },
      {
        method: 'GET',
        pattern: new RegExp(`^${HUB_HTTP.workerReputation.replace(/\//g, '\\/')}/${id}$`),
        auth: false,
        run: async (c) => this.workerReputation(c.params[0]!),
      },
      {
        method: 'GET',
        pattern: new RegExp(`^${HUB_HTTP.renterReputation.replace(/\//g, '\\/')}/([1-9A-HJ-NP-Za-km-z]{32,44})$`),
        auth: false,
        run: async (c) => this.renterReputation(parse(addressParamSchema, c.params[0])),
      },
      { method: 'GET', pattern: exact(HUB_HTTP.explorerStats), auth: false, run: async () => this.o.explorer.stats() },
      { method: 'GET', pattern: exact(HUB_HTTP.explorerMachines), auth: false, run: async () => this.o.explorer.machines() },
      {
        method: 'GET',
        pattern: exact(HUB_HTTP.explorerSeries),
        auth: false,
        run: async (c) => this.o.series.series(parse(explorerSeriesQuerySchema, Object.fromEntries(c.url.searchParams)).sinceMs),
      },
      {
        method: 'GET',
        pattern: exact(HUB_HTTP.explorerPayments),
        auth: false,
        run: async (c) => ({ payments: await this.o.explorer.recentPayments(parse(explorerPaymentsQuerySchema, Object.fromEntries(c.url.searchParams)).limit) }),
      },
    ];
  }

  handle(request: IncomingMessage, response: ServerResponse): void {
    this.dispatch(request)
      .then((body) => send(response, 200, body))
      .catch((error: unknown) => {
        if (error instanceof HubError) return send(response, HTTP_STATUS_OF[error.code], { error: error.toShape() });
        this.o.logger.error({ err: error, method: request.method, path: request.url?.split('?')[0] }, 'an HTTP request failed');
        send(response, 500, { error: { code: 'internal', message: 'The hub failed to handle this request; nothing was changed. Try again.' } });
      });
  }

  private async dispatch(request: IncomingMessage): Promise<unknown> {
    const url = new URL(request.url ?? '/', 'http://hub.invalid');
    const matching = this.routes.filter((r) => r.pattern.test(url.pathname));
    if (matching.length === 0) throw new HubError('not_found', `There is no ${url.pathname} on this hub. See /v1/info.`, 'route_not_found');
    const route = matching.find((r) => r.method === request.method);
    if (!route) throw new HubError('invalid_message', `${url.pathname} does not take ${request.method}; use ${matching.map((r) => r.method).join(' or ')}.`, 'method_not_allowed');
    const params = route.pattern.exec(url.pathname)!.slice(1);
    let address = '';
    let token = '';
    if (route.auth) {
      const header = request.headers.authorization ?? '';
      token = /^Bearer ([A-Za-z0-9_-]{1,256})$/.exec(header)?.[1] ?? '';
      const who = token ? await this.o.sessions.resolve(token) : null;
      if (!who) {
        if (!this.o.limiter.take(`ip:${remoteHostOf(request)}`)) throw rateLimited();
        throw new HubError('unauthenticated', 'Sign in first (POST /v1/auth/challenge, then /v1/auth/session) and send Authorization: Bearer <token>.', 'sign_in_required');
      }
      // A worker's session runs its machine's socket; it may not act as the renter.
      if (route.auth === true && who.audience !== 'renter') {
        throw new HubError('forbidden', 'This session was made for a worker machine, not for renting. Sign in as a renter (audience "renter").', 'session_wrong_audience');
      }
      address = who.address;
    }
    if (!this.o.limiter.take(address ? `http:${address}` : `ip:${remoteHostOf(request)}`)) throw rateLimited();
    return route.run({ request, url, params, address, token });
  }

  private body(call: Call): Promise<unknown> {
    return readJsonBody(call.request, MAX_HTTP_BODY_BYTES);
  }

  private async workerReputation(workerId: string): Promise<WorkerReputation> {
    const worker = this.o.workers.get(workerId);
    if (!worker) throw new HubError('not_found', `No worker ${workerId} is known here.`, 'worker_not_found');
    const nowMs = this.o.clock.nowMs();
    return {
      workerId,
      supplier: worker.owner,
      online: this.o.workers.isOnline(workerId),
      uptime: Math.round(this.o.workers.uptime(worker, nowMs) * 1000) / 1000,
      leasesCompleted: worker.facts.leasesCompleted,
      leasesEndedBySupplier: worker.facts.leasesEndedBySupplier,
      hardwareChecksPassed: worker.facts.hardwareChecksPassed,
      hardwareChecksTotal: worker.facts.hardwareChecksTotal,
      attestationsPassed: worker.facts.attestationsPassed,
      attestationsFailed: worker.facts.attestationsFailed,
      refundsMissed: worker.facts.refundsMissed,
      score: worker.reliability,
      why: explainWorkerScore({ facts: worker.facts, onlineMs: this.o.workers.onlineMs(worker, nowMs), knownForMs: nowMs - worker.firstSeenMs }),
    };
  }

  private async renterReputation(address: string): Promise<RenterReputation> {
    const facts = await this.o.store.renterFacts(address);
    return { ...facts, score: renterScore(facts), why: explainRenterScore(facts) };
  }
}

function exact(path: string): RegExp {
  return new RegExp(`^${path.replace(/\//g, '\\/')}$`);
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new HubError('invalid_message', `${where}${issue?.message ?? 'invalid request'}`, 'request_invalid');
}

function rateLimited(): HubError {
  return new HubError('rate_limited', 'Too many requests; slow down and try again in a second.', 'too_many_requests');
}

function send(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  response.end(text);
}
