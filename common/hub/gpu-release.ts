/**
 * The text a GPU's bound owner signs (with its wallet) to let another owner register that
 * GPU: the hub binds a GPU UUID to the first (owner, machine) that registered it, and only
 * this signature moves it to another owner (issue 14.3). The new owner's address is in the
 * text, so a release cannot be replayed by anyone else.
 */
export function gpuReleaseMessage(gpuUuid: string, newOwner: string): string {
  return `Idlegrid GPU release\nGPU: ${gpuUuid}\nNew owner: ${newOwner}`;
}
