/**
 * `GET /api/v2/ethereum-address-validation` (upstream §5): the server's regex stage (`um_cea_1`), then
 * the web3 `isAddress` stage (`um_cea_2`: mixed case must pass EIP-55). Both stages are the shared
 * `serverEthereumAddressCheck`; unlike the real server, the sandbox never fails open.
 */
import { serverEthereumAddressCheck } from '../../../proxy/contract/eip55.js';
import type { Handler } from '../context.js';
import { invalidParams, missingParam, success } from '../envelope.js';
import { isBlank } from '../ruby-values.js';

const INVALID = { parameter: 'ethereum_address', msg: 'Please ensure a valid Ethereum Address is provided.' };

/** `GET /ethereum-address-validation`. */
export const validateEthereumAddress: Handler = ({ params }) => {
  const raw = params['ethereum_address'];
  if (isBlank(raw)) return missingParam({ parameter: 'ethereum_address', msg: 'Ethereum Address is a mandatory field. It is a 42-character hexadecimal string.' });
  // A non-string (e.g. `ethereum_address[]=…`) cannot match the regex stage.
  if (typeof raw !== 'string') return invalidParams('um_cea_1', [INVALID]);
  const result = serverEthereumAddressCheck(raw);
  if (result !== 'ok') return invalidParams(result, [INVALID]);
  return success();
};
