import { BrowserWindow, dialog } from 'electron';
import type { SigningRequest } from '../../common/wallet/wallet-types';
import type { ConfirmationPrompt } from '../wallet/confirmation-prompt';
import { confirmationText } from '../wallet/confirmation-text';

/**
 * The desktop's confirmation: a native message box owned by the main process. The
 * renderer cannot see or click it (issue 14.2), so a compromised window can ask for a
 * signature but never approve one. Decline is the default and the Escape answer.
 */
export function createNativeConfirmationPrompt(): ConfirmationPrompt {
  return {
    async ask(request: SigningRequest, signal: AbortSignal): Promise<boolean> {
      const text = confirmationText(request);
      const parent = BrowserWindow.getAllWindows().find((w) => w.isVisible() && !w.isDestroyed());
      const options: Electron.MessageBoxOptions = {
        type: 'warning',
        title: 'Idlegrid: confirm',
        message: text.title,
        detail: text.detail,
        buttons: ['Decline', text.approveLabel],
        defaultId: 0,
        cancelId: 0,
        noLink: true,
        signal,
      };
      const { response } = parent ? await dialog.showMessageBox(parent, options) : await dialog.showMessageBox(options);
      return response === 1 && !signal.aborted;
    },
  };
}
