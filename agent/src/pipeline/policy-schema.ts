// The policy file's JSON Schema (see policy-file.ts), apart from its reader so that the build can
// compile it ahead of time (scripts/build-agent.mjs). `hint` says what a valid value looks like,
// for the messages.
const hex16 = { type: 'string', pattern: '^(0x)?[0-9a-fA-F]{1,4}$', hint: 'a 16-bit hex id such as "046d"' };
const hex32 = { type: 'string', pattern: '^(0x)?[0-9a-fA-F]{1,8}$', hint: 'a 32-bit hex number such as "0x88888800"' };
const reason = { type: 'string', minLength: 1, maxLength: 512, hint: 'say why this is allowed, for the analyst who reads the finding' };
const sanction = {
  type: 'object', additionalProperties: false, required: ['id', 'reason'],
  properties: { id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', hint: 'a catalog id such as "teamviewer"' }, reason },
};
export const EXCEPTION_KINDS = ['usb', 'edid', 'processPath', 'interface'];

export const POLICY_SCHEMA = {
  $id: 'https://farmwatch.invalid/schemas/agent-policy.json',
  type: 'object', additionalProperties: false,
  properties: {
    sanctionedTools: { type: 'array', items: sanction },
    sanctionedVpns: { type: 'array', items: sanction },
    exceptions: {
      type: 'array',
      items: {
        type: 'object', additionalProperties: false, required: ['reason'], hint: 'every exception needs a reason',
        properties: {
          reason, action: { type: 'string', enum: ['lower', 'suppress'] }, detectors: { type: 'array', items: { type: 'string', minLength: 1 } },
          usb: { type: 'object', additionalProperties: false, required: ['vendorId', 'productId'], properties: { vendorId: hex16, productId: hex16, serial: { type: 'string' } } },
          edid: {
            type: 'object', additionalProperties: false, required: ['manufacturer'],
            properties: {
              manufacturer: { type: 'string', pattern: '^[A-Z@]{3}$', hint: 'a three-letter PNP id such as "DEL"' },
              productCode: hex16, serialNumber: hex32, serialString: { type: 'string' },
            },
          },
          processPath: { type: 'string', minLength: 1 }, interface: { type: 'string', minLength: 1 },
        },
        // What the exception is about: exactly one kind of thing.
        oneOf: EXCEPTION_KINDS.map((k) => ({ required: [k] })),
      },
    },
  },
} as const;
