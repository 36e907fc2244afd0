import type { OfferTermsInput } from '../../common/hub/market-types';
import { offerTermsSchema } from '../../common/hub/market-types';
import { OfferBook } from '../market/offer-book';
import type { OfferOwner } from '../market/offer-book';
import { OfferSearch } from '../market/offer-search';
import { FreeGpuIndex } from '../placement/free-gpu-index';
import { GangPlacement } from '../placement/gang-placement';
import { gpus } from './market-fixtures';

/**
 * The hub's real market pieces (offer book, search index, placement index) wired together
 * without sockets or a store, for unit tests and the in-process benchmarks.
 */
export class InMemoryMarket {
  readonly search = new OfferSearch();
  readonly freeIndex = new FreeGpuIndex();
  readonly book = new OfferBook(this.search, this.freeIndex);
  readonly placement = new GangPlacement(this.freeIndex);
  private offerCount = 0;

  /** A machine with `count` GPUs of one model, all in one offer, online. */
  addMachine(options: {
    workerId: string;
    model: string;
    vramMiB: number;
    count: number;
    price: string;
    region?: string;
    reliability?: number;
    terms?: Partial<OfferTermsInput>;
    supplier?: string;
  }): string {
    const list = gpus(options.model, options.count, options.vramMiB, options.workerId);
    const owner: OfferOwner = {
      workerId: options.workerId,
      supplier: options.supplier ?? `supplier-of-${options.workerId}`,
      region: options.region ?? 'eu-west',
      gpus: list,
      reliability: options.reliability ?? 0.9,
      trackRecord: true,
    };
    const terms = offerTermsSchema.parse({
      gpuUuids: list.map((g) => g.uuid),
      pricePerGpuHour: options.price,
      minLeaseMs: 0,
      maxLeaseMs: 30 * 86_400_000,
      interruptible: false,
      schedule: [],
      ...options.terms,
    });
    const { gpuModel, vramMiB } = this.book.validate(owner, terms, undefined);
    const offerId = `ofr-${String(++this.offerCount).padStart(6, '0')}`;
    this.book.upsert(owner, offerId, terms, gpuModel, vramMiB);
    this.book.setWorkerListed(options.workerId, true);
    return offerId;
  }
}
