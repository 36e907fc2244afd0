import type { MeshEndpoint, MeshPairReport, SignedMeshAnnouncement } from '../../../common/mesh';
import { HubError } from '../../../common/hub/hub-errors';
import type { MeshRequest, WorkerClient } from '../../../hub-client/worker-client';
import type { MeshReply } from '../../../common/hub/worker-messages';
import type { MeshSignalling } from '../../worker/mesh/mesh-join';

/**
 * A lease's mesh signalling over this machine's worker socket (issue 11): the calls the
 * node makes while joining, as `mesh.*` requests the hub answers. The hub takes this
 * node's rank from the placement, so `rank` arguments are not sent.
 */
export function workerSocketSignalling(client: () => WorkerClient | null, leaseId: string): MeshSignalling {
  const ask = async (request: MeshRequest): Promise<MeshReply> => {
    const c = client();
    if (!c) throw new HubError('unavailable', 'Not connected to the hub; the lease’s mesh waits for it.', 'not_connected');
    return c.meshRequest(request);
  };
  const view = async () => {
    const reply = await ask({ type: 'mesh.view', leaseId });
    return reply.view ?? { announcements: [], endpoints: {} };
  };
  const endpoint = (reply: MeshReply): MeshEndpoint => {
    if (!reply.endpoint) throw new HubError('internal', 'The hub answered a mesh request without an endpoint.', 'mesh_reply_empty');
    return reply.endpoint;
  };
  return {
    publish: async (signed: SignedMeshAnnouncement) => void (await ask({ type: 'mesh.publish', leaseId, signed })),
    observe: async () => endpoint(await ask({ type: 'mesh.observe', leaseId })),
    observed: async (rank: number) => (await view()).endpoints[rank] ?? null,
    view,
    relayFor: async (_rank: number, peerRank: number) => endpoint(await ask({ type: 'mesh.relay', leaseId, peerRank })),
    report: async (report: MeshPairReport) => void (await ask({ type: 'mesh.report', leaseId, report })),
  };
}
