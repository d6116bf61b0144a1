// Entry point of the Fluxion wasm kernel module: every export takes byte pointers into the (shared,
// imported) linear memory. Memory management lives on the JS side (core/wasm/allocator.ts).
export { gemm_f32, gemm_f64, gemm_work_bytes, gemm_f32_claim, gemm_claimable } from './gemm';
export {
  add_f32, sub_f32, mul_f32, div_f32, max_f32, add_f64, sub_f64, mul_f64, div_f64, max_f64,
  add_strided_f32, sub_strided_f32, mul_strided_f32, div_strided_f32, max_strided_f32,
  add_strided_f64, sub_strided_f64, mul_strided_f64, div_strided_f64, max_strided_f64,
  neg_f32, exp_f32, log_f32, tanh_f32, sin_f32, cos_f32, sqrt_f32, neg_f64, sqrt_f64,
  where_f32, where_f64,
} from './elementwise';
export { sum_f32, max_reduce_f32, sum_f64, max_reduce_f64 } from './reduce';
export { gather_f32, gather_f64, scatter_add_f32, scatter_add_f64 } from './gather';
export { peak_madd_f32, peak_muladd_f32 } from './peak';
export { bspline_grad_pos2_f64x2, bspline_check2 } from './bspline';
export { butterfly4_f32, butterfly4_f64 } from './butterfly';
