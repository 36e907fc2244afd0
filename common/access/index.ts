export * from './access-protocol';
export * from './access-request';
