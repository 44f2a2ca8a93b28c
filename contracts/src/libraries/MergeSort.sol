// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title MergeSort
/// @notice Sorts a uint256 array ascending, in place, in O(n log n) for every input.
/// @dev Why not a quicksort (Solady's LibSort, which this replaces): quicksort is quadratic on
/// inputs built against its pivot rule, and the order keys it would sort here are chosen by the
/// market's participants (prices, quantities) and laid out by unit index. A cartel able to craft a
/// median-of-three killer would make a slot's clearing exceed the per-transaction gas cap, so the
/// slot, and every order's collateral in it, could never be cleared. A merge sort's gas depends on
/// the array's length alone (within a few per cent), which is also what lets the worst-slot test
/// bound the clearing of every admissible book.
///
/// Bottom-up: runs of RUN elements are sorted by insertion, then merged pairwise, doubling the run
/// width, between the array and a scratch buffer of the same length above the free memory pointer
/// (left unallocated: nothing outlives the call). Two halves already in order are copied, not
/// merged. The price of the guarantee, measured by the worst-slot test at 1 024 units x 8 orders:
/// clearing cost 18.9 to 22.3 M gas with this sort against 15.6 to 19.6 M with LibSort's.
library MergeSort {
    uint256 private constant RUN = 8;

    function sort(uint256[] memory a) internal pure {
        assembly ("memory-safe") {
            let n := mload(a)
            if gt(n, 1) {
                let data := add(a, 0x20)
                let buffer := mload(0x40)
                // Insertion sort of each run [lo, lo + RUN), by pointers.
                let end := add(data, shl(5, n))
                for { let lo := data } lt(lo, end) { lo := add(lo, shl(5, RUN)) } {
                    let hi := add(lo, shl(5, RUN))
                    if gt(hi, end) { hi := end }
                    for { let i := add(lo, 0x20) } lt(i, hi) { i := add(i, 0x20) } {
                        let key := mload(i)
                        let j := i
                        for {} gt(j, lo) {} {
                            let before := mload(sub(j, 0x20))
                            if iszero(gt(before, key)) { break }
                            mstore(j, before)
                            j := sub(j, 0x20)
                        }
                        mstore(j, key)
                    }
                }
                // Merge passes, alternating between the array and the buffer.
                let from := data
                let to := buffer
                for { let width := RUN } lt(width, n) { width := shl(1, width) } {
                    for { let lo := 0 } lt(lo, n) { lo := add(lo, shl(1, width)) } {
                        let mid := add(lo, width)
                        if gt(mid, n) { mid := n }
                        let hi := add(mid, width)
                        if gt(hi, n) { hi := n }
                        // Pointers into the two sorted halves and the output; each key is read once.
                        let pi := add(from, shl(5, lo))
                        let pMid := add(from, shl(5, mid))
                        let pj := pMid
                        let pHi := add(from, shl(5, hi))
                        let pk := add(to, shl(5, lo))
                        // Halves already in order (common: units bid in index order) are copied, not merged.
                        if and(lt(pj, pHi), gt(mload(sub(pMid, 0x20)), mload(pj))) {
                            let x := mload(pi)
                            let y := mload(pj)
                            for {} 1 {} {
                                // Equal keys take the left one first: stable (keys here are distinct anyway).
                                switch gt(x, y)
                                case 0 {
                                    mstore(pk, x)
                                    pk := add(pk, 0x20)
                                    pi := add(pi, 0x20)
                                    if eq(pi, pMid) { break }
                                    x := mload(pi)
                                }
                                default {
                                    mstore(pk, y)
                                    pk := add(pk, 0x20)
                                    pj := add(pj, 0x20)
                                    if eq(pj, pHi) { break }
                                    y := mload(pj)
                                }
                            }
                        }
                        // One half is exhausted: the rest of the other is already in order.
                        mcopy(pk, pi, sub(pMid, pi))
                        mcopy(add(pk, sub(pMid, pi)), pj, sub(pHi, pj))
                    }
                    let swapped := from
                    from := to
                    to := swapped
                }
                if iszero(eq(from, data)) { mcopy(data, from, shl(5, n)) }
            }
        }
    }
}
