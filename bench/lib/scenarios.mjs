// The scenarios live one per module in bench/scenarios/ (the list: bench/scenarios/index.mjs).
export { defineScenarios } from '../scenarios/index.mjs';
