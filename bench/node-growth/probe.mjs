// How long Hardhat's node (EDR) takes to mine an empty block as its state grows to 150 000 storage words:
// the same question `micromarket bench market --grown` asks of Anvil (0.7 ms fresh, 121 ms at 90 491 words).
// The words are written by this contract (solc 0.8.37, no optimiser), 500 per transaction:
//   contract Filler { function fill(uint256 start, uint256 n) external {
//       for (uint256 i = start; i < start + n; ++i) { assembly { sstore(i, 1) } } } }
import hre from "hardhat";

const FILLER = "0x6080604052348015600e575f5ffd5b506101808061001c5f395ff3fe608060405234801561000f575f5ffd5b5060043610610029575f3560e01c80633c29fc431461002d575b5f5ffd5b610047600480360381019061004291906100ac565b610049565b005b5f8290505b818361005a9190610117565b811015610070576001815580600101905061004e565b505050565b5f5ffd5b5f819050919050565b61008b81610079565b8114610095575f5ffd5b50565b5f813590506100a681610082565b92915050565b5f5f604083850312156100c2576100c1610075565b5b5f6100cf85828601610098565b92505060206100e085828601610098565b9150509250929050565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52601160045260245ffd5b5f61012182610079565b915061012c83610079565b9250828201905080821115610144576101436100ea565b5b9291505056fea2646970667358221220ad1c94a98c7099c858aca0f8036a8287a5df8decbd867911ab1c36b67d3733a164736f6c63430008250033";
const FILL = "0x3c29fc43"; // fill(uint256,uint256)
const { provider } = await hre.network.connect();
const rpc = (method, params = []) => provider.request({ method, params });
const [from] = await rpc("eth_accounts");
await rpc("evm_setAutomine", [false]);

async function mine() {
  const start = process.hrtime.bigint();
  await rpc("evm_mine");
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** The median of nine empty blocks, ms. */
async function emptyBlock() {
  const times = [];
  for (let i = 0; i < 9; i++) times.push(await mine());
  times.sort((a, b) => a - b);
  return times[4];
}

await rpc("eth_sendTransaction", [{ from, data: FILLER, gas: "0x2dc6c0" }]);
await mine();
const [deployment] = (await rpc("eth_getBlockByNumber", ["latest", false])).transactions;
const filler = (await rpc("eth_getTransactionReceipt", [deployment])).contractAddress;
const word = (n) => n.toString(16).padStart(64, "0");
console.log(`hardhat ${hre.versions?.hardhat ?? "3.18.0"}, EDR: an empty block at 0 storage words: ${(await emptyBlock()).toFixed(2)} ms`);
let words = 0;
for (const target of [50_000, 100_000, 150_000]) {
  for (; words < target; words += 500) {
    await rpc("eth_sendTransaction", [{ from, to: filler, data: FILL + word(words) + word(500), gas: "0xb71b00" }]);
    await mine();
  }
  const last = await rpc("eth_getStorageAt", [filler, "0x" + (words - 1).toString(16), "latest"]);
  if (BigInt(last) !== 1n) throw new Error(`word ${words - 1} was not written: the fills failed`);
  console.log(`an empty block at ${words} storage words: ${(await emptyBlock()).toFixed(2)} ms`);
}
process.exit(0);
