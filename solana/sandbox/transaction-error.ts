import type { FailedTransactionMetadata } from 'litesvm';

/**
 * LiteSVM reports errors as its own classes and numeric enums; a Solana RPC node reports
 * them as serde JSON (`"BlockhashNotFound"`, `{"InstructionError":[0,{"Custom":1}]}`).
 * Clients and the payment verifier see exactly the node's form.
 */
export type RpcTransactionError = string | Record<string, unknown>;

// Order of litesvm's TransactionErrorFieldless const enum (internal.d.ts).
const TRANSACTION_ERRORS = [
  'AccountInUse', 'AccountLoadedTwice', 'AccountNotFound', 'ProgramAccountNotFound', 'InsufficientFundsForFee',
  'InvalidAccountForFee', 'AlreadyProcessed', 'BlockhashNotFound', 'CallChainTooDeep', 'MissingSignatureForFee',
  'InvalidAccountIndex', 'SignatureFailure', 'InvalidProgramForExecution', 'SanitizeFailure', 'ClusterMaintenance',
  'AccountBorrowOutstanding', 'WouldExceedMaxBlockCostLimit', 'UnsupportedVersion', 'InvalidWritableAccount',
  'WouldExceedMaxAccountCostLimit', 'WouldExceedAccountDataBlockLimit', 'TooManyAccountLocks',
  'AddressLookupTableNotFound', 'InvalidAddressLookupTableOwner', 'InvalidAddressLookupTableData',
  'InvalidAddressLookupTableIndex', 'InvalidRentPayingAccount', 'WouldExceedMaxVoteCostLimit',
  'WouldExceedAccountDataTotalLimit', 'MaxLoadedAccountsDataSizeExceeded', 'ResanitizationNeeded',
  'InvalidLoadedAccountsDataSizeLimit', 'UnbalancedTransaction', 'ProgramCacheHitMaxLimit', 'CommitCancelled',
] as const;

// Order of litesvm's InstructionErrorFieldless const enum.
const INSTRUCTION_ERRORS = [
  'GenericError', 'InvalidArgument', 'InvalidInstructionData', 'InvalidAccountData', 'AccountDataTooSmall',
  'InsufficientFunds', 'IncorrectProgramId', 'MissingRequiredSignature', 'AccountAlreadyInitialized',
  'UninitializedAccount', 'UnbalancedInstruction', 'ModifiedProgramId', 'ExternalAccountLamportSpend',
  'ExternalAccountDataModified', 'ReadonlyLamportChange', 'ReadonlyDataModified', 'DuplicateAccountIndex',
  'ExecutableModified', 'RentEpochModified', 'NotEnoughAccountKeys', 'AccountDataSizeChanged',
  'AccountNotExecutable', 'AccountBorrowFailed', 'AccountBorrowOutstanding', 'DuplicateAccountOutOfSync',
  'InvalidError', 'ExecutableDataModified', 'ExecutableLamportChange', 'ExecutableAccountNotRentExempt',
  'UnsupportedProgramId', 'CallDepth', 'MissingAccount', 'ReentrancyNotAllowed', 'MaxSeedLengthExceeded',
  'InvalidSeeds', 'InvalidRealloc', 'ComputationalBudgetExceeded', 'PrivilegeEscalation',
  'ProgramEnvironmentSetupFailure', 'ProgramFailedToComplete', 'ProgramFailedToCompile', 'Immutable',
  'IncorrectAuthority', 'AccountNotRentExempt', 'InvalidAccountOwner', 'ArithmeticOverflow', 'UnsupportedSysvar',
  'IllegalOwner', 'MaxAccountsDataAllocationsExceeded', 'MaxAccountsExceeded', 'MaxInstructionTraceLengthExceeded',
  'BuiltinProgramsMustConsumeComputeUnits', 'BorshIoError',
] as const;

type LiteSvmError = ReturnType<FailedTransactionMetadata['err']>;

export function toRpcTransactionError(err: LiteSvmError): RpcTransactionError {
  if (typeof err === 'number') return TRANSACTION_ERRORS[err] ?? `TransactionError${err}`;
  const e = err as unknown as Record<string, unknown>;
  if (typeof e.err === 'function' && typeof e.index === 'number') {
    return { InstructionError: [e.index, toRpcInstructionError((e.err as () => unknown).call(err))] };
  }
  if (typeof e.accountIndex === 'number') {
    const name = String(err).includes('ProgramExecutionTemporarilyRestricted')
      ? 'ProgramExecutionTemporarilyRestricted'
      : 'InsufficientFundsForRent';
    return { [name]: { account_index: e.accountIndex } };
  }
  if (typeof e.index === 'number') return { DuplicateInstruction: e.index };
  return String(err);
}

function toRpcInstructionError(err: unknown): RpcTransactionError {
  if (typeof err === 'number') return INSTRUCTION_ERRORS[err] ?? `InstructionError${err}`;
  const e = err as Record<string, unknown>;
  if (typeof e.code === 'number') return { Custom: e.code };
  if (typeof e.msg === 'string') return { BorshIoError: e.msg };
  return String(err);
}

/**
 * Errors after which a real node would not have put the transaction in a block at all
 * (no fee charged, no signature to look up). Everything else lands with `meta.err`.
 */
export function isRejectedBeforeExecution(err: RpcTransactionError): boolean {
  return typeof err === 'string' && err !== 'InsufficientFundsForRent';
}

/** A short human description, as agave's preflight error message puts it. */
export function describeTransactionError(err: RpcTransactionError): string {
  if (typeof err === 'string') return err;
  const instruction = err.InstructionError as [number, RpcTransactionError] | undefined;
  if (instruction) {
    const [index, inner] = instruction;
    if (typeof inner === 'object' && inner !== null && 'Custom' in inner) {
      return `Error processing Instruction ${index}: custom program error: 0x${Number(inner.Custom).toString(16)}`;
    }
    return `Error processing Instruction ${index}: ${typeof inner === 'string' ? inner : JSON.stringify(inner)}`;
  }
  return JSON.stringify(err);
}
