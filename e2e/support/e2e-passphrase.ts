/** The wallet passphrase every spec sets up (headless asks for it again to approve, issue 14.2). */
export const E2E_PASSPHRASE = 'correct horse battery staple';
