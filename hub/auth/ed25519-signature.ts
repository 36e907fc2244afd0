// The wallet signature check lives in solana/ (the app checks mesh announcements with it too).
export { decodeSignature, verifyWalletSignature } from '../../solana/wallet-signature';
