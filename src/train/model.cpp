// The Atome LM forward and backward over a batch (see model.h). Block maths, as the engine:
//   h = LayerNorm(x); r = softmax(router(h))
//   local = conv(h); state = ssm(h); sparse = topk_attention(Wq h, Wk h, Wv h)
//   x += r0 * local + r1 * state + r2 * sparse        (present pathways, in that order)
// and logits = unembed(LayerNorm(x)).
#include "train/model.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "engine/numerics.h"
#include "train/class_head_ops.h"

namespace atome::train {
void validate_train_config(const atome_config& c) {
  auto fail = [](const std::string& why) { throw std::invalid_argument("model config: " + why); };
  if (c.arch != ATOME_ARCH_LM && c.arch != ATOME_ARCH_CLASSIFIER)
    fail("only language models and classifiers can be trained");
  // A classifier never uses an unembedding: it trains (and ships, FORMAT.md §17) without one.
  if (c.arch == ATOME_ARCH_CLASSIFIER && c.no_unembed != 1)
    fail("a classifier trains without an unembedding (no_unembed 1)");
  if (c.vocab_size != 256) fail("vocabulary must be 256 bytes");
  if (c.pathways == 0 || (c.pathways & ~static_cast<uint32_t>(ATOME_PATH_ALL)) != 0)
    fail("pathways must be a non-empty subset of conv, ssm, attn");
  if (format::validate_config(c) != ATOME_OK)
    fail("dimensions out of range (d 1..8192, layers 1..1024, K 1..64, top-k 1..1024, ...)");
}

AtomeModel::AtomeModel(const atome_config& config) : config_(config) {
  validate_train_config(config_);
  const uint32_t n = format::tensor_count(config_);
  std::vector<ParamTensor> tensors;
  for (uint32_t i = 0; i < n; ++i) {
    const format::TensorSpec spec = format::canonical_tensor(config_, i);
    ParamTensor t;
    t.rows = spec.rows;
    t.cols = spec.cols;
    t.kind = spec.kind;
    t.layer = spec.layer;
    t.dtype = spec.dtype;
    t.ternary = spec.dtype == format::kDtypeTrit2;
    t.weight_decay = t.ternary;
    tensors.push_back(t);
  }
  // The named slots, filled by one walk over the canonical order (as the engine's loader walks
  // the file); each slot checks that the tensor it takes is of its kind, and names it.
  uint32_t next = 0;
  std::string prefix;  // "layer 2 " inside the blocks
  auto take = [&](uint16_t kind) {
    if (next >= n || tensors[next].kind != kind)
      throw std::logic_error("AtomeModel: the canonical tensor order has changed");
    tensors[next].name = prefix + tensor_kind_name(kind);
    return static_cast<int>(next++);
  };
  const uint32_t paths = config_.pathways;
  embed_ = take(format::kEmbed);
  blocks_.assign(config_.n_layers, BlockParams{});
  for (uint32_t l = 0; l < config_.n_layers; ++l) {
    BlockParams& bp = blocks_[l];
    prefix = "layer " + std::to_string(l) + " ";
    bp.gamma = take(format::kNormGamma);
    bp.beta = take(format::kNormBeta);
    if (paths & ATOME_PATH_CONV) bp.conv = take(format::kConv);
    if (paths & ATOME_PATH_SSM) {
      bp.ssm_a = take(format::kSsmA);
      bp.ssm_b = take(format::kSsmB);
      bp.ssm_c = take(format::kSsmC);
    }
    if (paths & ATOME_PATH_ATTN) {
      bp.wq = take(format::kWq);
      bp.wk = take(format::kWk);
      bp.wv = take(format::kWv);
    }
    bp.router = take(format::kRouter);
  }
  prefix.clear();
  final_gamma_ = take(format::kFinalGamma);
  final_beta_ = take(format::kFinalBeta);
  if (is_classifier())
    head_ = take(format::kHead);
  else
    unembed_ = take(format::kUnembed);
  if (next != n) throw std::logic_error("AtomeModel: the canonical tensor order has changed");
  allocate(std::move(tensors));
  quantized_.resize(n);
  decay_.assign(config_.n_layers, std::vector<float>(config_.d_model));
  acts_.resize(config_.n_layers);
  residual_.resize(config_.n_layers + 1);
  class_weights_.assign(config_.n_classes, 1.0f);
}

void AtomeModel::set_class_weights(const std::vector<float>& weights) {
  if (weights.size() != config_.n_classes)
    throw std::invalid_argument("AtomeModel: one class weight per class");
  class_weights_ = weights;
}

void AtomeModel::init(uint64_t seed) {
  InitRng rng{seed};
  const float d = static_cast<float>(config_.d_model);
  for (const ParamTensor& t : tensors_) {
    float* w = params_.data() + t.offset;
    auto fill_normal = [&](double stddev) {
      for (size_t i = 0; i < t.count; ++i) w[i] = static_cast<float>(rng.normal() * stddev);
    };
    switch (t.kind) {
      case format::kNormGamma:
      case format::kFinalGamma:
        std::fill(w, w + t.count, 1.0f);
        break;
      case format::kNormBeta:
      case format::kFinalBeta:
        std::fill(w, w + t.count, 0.0f);
        break;
      case format::kSsmA:
        std::fill(w, w + t.count, 1.5f);
        break;
      case format::kSsmB:
      case format::kSsmC:
        fill_normal(1.0 / std::sqrt(d));
        break;
      default:
        fill_normal(1.0 / std::sqrt(static_cast<double>(t.cols)));
        break;  // fan_in
    }
  }
}

void AtomeModel::set_numerics(uint32_t numerics) {
  if (numerics != ATOME_NUMERICS_F32 && numerics != ATOME_NUMERICS_A8 &&
      numerics != ATOME_NUMERICS_Q15)
    throw std::invalid_argument("AtomeModel: unknown numerics " + std::to_string(numerics));
  numerics_ = numerics;
}

void AtomeModel::quantize_all() {
  for (size_t i = 0; i < tensors_.size(); ++i) {
    const ParamTensor& t = tensors_[i];
    if (!t.ternary) continue;
    const float* w = param(static_cast<int>(i));
    if (quantize_)
      quantize_ternary(quantized_[i], w, t.rows, t.cols);
    else
      identity_ternary(quantized_[i], w, t.rows, t.cols);
  }
  if (config_.pathways & ATOME_PATH_SSM) {
    for (uint32_t l = 0; l < config_.n_layers; ++l) {
      const float* a = param(blocks_[l].ssm_a);
      for (uint32_t c = 0; c < config_.d_model; ++c)  // as the engine
        decay_[l][c] = numerics_ == ATOME_NUMERICS_Q15 ? decay_q15(a[c]) : tanh_f(a[c]);
    }
  }
}

void AtomeModel::resize_activations(size_t n) {
  const size_t d = config_.d_model, P = config_.n_paths, V = config_.vocab_size;
  const size_t dh = config_.d_head;
  const bool conv = config_.pathways & ATOME_PATH_CONV, ssm = config_.pathways & ATOME_PATH_SSM;
  const bool attn = config_.pathways & ATOME_PATH_ATTN;
  for (auto& r : residual_) r.resize(n * d);
  for (BlockActs& a : acts_) {
    a.h.resize(n * d);
    a.mean.resize(n);
    a.rstd.resize(n);
    a.probs.resize(n * P);
    a.local.resize(conv ? n * d : 0);
    a.ssm_state.resize(ssm ? n * d : 0);
    a.ssm_out.resize(ssm ? n * d : 0);
    a.q.resize(attn ? n * dh : 0);
    a.k.resize(attn ? n * dh : 0);
    a.v.resize(attn ? n * d : 0);
    a.sparse.resize(attn ? n * d : 0);
  }
  final_h_.resize(n * d);
  final_mean_.resize(n);
  final_rstd_.resize(n);
  if (!is_classifier()) {
    logits_.resize(n * V);
    probs_.resize(n * V);
  }
}

double AtomeModel::forward(const uint8_t* tokens, const uint8_t* targets, size_t B, size_t T,
                           double* row_loss) {
  remember_batch(tokens, targets, B, T);
  forward_trunk(tokens, B, T);
  if (is_classifier()) return class_head_forward(targets, B, T, row_loss);
  const size_t N = B * T;
  const uint32_t V = config_.vocab_size;
  if (numerics_ != ATOME_NUMERICS_F32)
    ternary_linear_forward_q(logits_.data(), final_hq_, quantized_[unembed_], N);
  else
    ternary_linear_forward(logits_.data(), final_h_.data(), quantized_[unembed_], N);
  return mean_loss_forward(probs_.data(), logits_.data(), targets, N, V, row_loss);
}

double AtomeModel::class_head_forward(const uint8_t* targets, size_t B, size_t T,
                                      double* row_loss) {
  const uint32_t d = config_.d_model, C = config_.n_classes;
  last_h_.resize(B * d);
  last_token_forward(last_h_.data(), final_h_.data(), B, T, d);
  logits_.resize(B * C);
  probs_.resize(B * C);
  if (numerics_ != ATOME_NUMERICS_F32) {
    last_token_quant(last_hq_, final_hq_, B, T, d);
    ternary_linear_forward_q(logits_.data(), last_hq_, quantized_[head_], B);
  } else {
    ternary_linear_forward(logits_.data(), last_h_.data(), quantized_[head_], B);
  }
  if (targets == nullptr) {
    labels_.clear();
    return 0.0;
  }
  labels_.resize(B);
  for (size_t b = 0; b < B; ++b) {
    labels_[b] = targets[b * T + T - 1];
    if (labels_[b] >= C)
      throw std::invalid_argument("AtomeModel: label " + std::to_string(labels_[b]) +
                                  " is not a class (0.." + std::to_string(C - 1) + ")");
  }
  return weighted_cross_entropy_forward(probs_.data(), logits_.data(), labels_.data(),
                                        class_weights_.data(), B, C, row_loss, label_smoothing_);
}

void AtomeModel::class_head_backward() {
  const size_t B = B_, T = T_;
  const uint32_t d = config_.d_model, C = config_.n_classes;
  d_logits_.resize(B * C);
  weighted_cross_entropy_backward(d_logits_.data(), probs_.data(), labels_.data(),
                                  class_weights_.data(), B, C, label_smoothing_);
  d_last_h_.assign(B * d, 0.0f);
  const float* in = numerics_ != ATOME_NUMERICS_F32 ? last_hq_.deq.data() : last_h_.data();
  ternary_linear_backward(d_last_h_.data(), grad(head_), d_logits_.data(), in, quantized_[head_],
                          B);
  d_final_h_.assign(B * T * d, 0.0f);  // only the last positions feed the head
  last_token_backward(d_final_h_.data(), d_last_h_.data(), B, T, d);
}

void AtomeModel::forward_trunk(const uint8_t* tokens, size_t B, size_t T) {
  const size_t N = B * T;
  const uint32_t d = config_.d_model, P = config_.n_paths;
  quantize_all();
  resize_activations(N);
  const bool fake = numerics_ != ATOME_NUMERICS_F32, q15 = numerics_ == ATOME_NUMERICS_Q15;
  // The input of the ternary linears: h, or h fake-quantised once per token (as the engine's h8).
  auto quantize_input = [&](QuantInput& hq, float* h) {
    if (q15) round_to_q8(h, N * d);  // conv and SSM read this h too
    if (q15)
      fake_quant_q15(hq, h, N, d);
    else if (fake)
      fake_quant_a8(hq, h, N, d);
  };
  auto linear = [&](float* out, const float* h, const QuantInput& hq, int w) {
    if (fake)
      ternary_linear_forward_q(out, hq, quantized_[w], N);
    else
      ternary_linear_forward(out, h, quantized_[w], N);
  };

  embedding_forward(residual_[0].data(), tokens, quantized_[embed_], N);
  for (uint32_t l = 0; l < config_.n_layers; ++l) {
    const BlockParams& bp = blocks_[l];
    BlockActs& a = acts_[l];
    const float* x_in = residual_[l].data();
    layernorm_forward(a.h.data(), a.mean.data(), a.rstd.data(), x_in, param(bp.gamma),
                      param(bp.beta), N, d, config_.norm_eps);
    quantize_input(a.hq, a.h.data());
    linear(a.probs.data(), a.h.data(), a.hq, bp.router);
    const float* paths[3];
    uint32_t p = 0;
    if (bp.conv >= 0) {
      conv_forward(a.local.data(), a.h.data(), quantized_[bp.conv], B, T, d);
      paths[p++] = a.local.data();
    }
    if (bp.ssm_a >= 0) {
      ssm_forward(a.ssm_out.data(), a.ssm_state.data(), a.h.data(), decay_[l].data(),
                  param(bp.ssm_b), param(bp.ssm_c), B, T, d);
      paths[p++] = a.ssm_out.data();
    }
    if (bp.wq >= 0) {
      linear(a.q.data(), a.h.data(), a.hq, bp.wq);
      linear(a.k.data(), a.h.data(), a.hq, bp.wk);
      linear(a.v.data(), a.h.data(), a.hq, bp.wv);
      if (q15) {  // the engine's int8 q and K/V cache
        fake_quant_pow2(a.q.data(), N, config_.d_head);
        fake_quant_pow2(a.k.data(), N, config_.d_head);
        fake_quant_pow2(a.v.data(), N, d);
      }
      attention_forward(a.sparse.data(), a.attn, a.q.data(), a.k.data(), a.v.data(), B, T,
                        config_.d_head, d, config_.top_k);
      paths[p++] = a.sparse.data();
    }
    router_mix_forward(residual_[l + 1].data(), a.probs.data(), x_in, paths, P, N, d);
  }
  layernorm_forward(final_h_.data(), final_mean_.data(), final_rstd_.data(),
                    residual_[config_.n_layers].data(), param(final_gamma_), param(final_beta_), N,
                    d, config_.norm_eps);
  quantize_input(final_hq_, final_h_.data());
}

void AtomeModel::backward() {
  if (targets_.empty()) throw std::logic_error("backward() needs a forward() with targets");
  if (is_classifier()) {
    class_head_backward();
  } else {
    const size_t N = B_ * T_;
    const uint32_t V = config_.vocab_size;
    mean_loss_backward(d_logits_, probs_.data(), targets_.data(), N, V);
    d_final_h_.assign(N * config_.d_model, 0.0f);
    const float* in = numerics_ != ATOME_NUMERICS_F32 ? final_hq_.deq.data() : final_h_.data();
    ternary_linear_backward(d_final_h_.data(), grad(unembed_), d_logits_.data(), in,
                            quantized_[unembed_], N);
  }
  backward_trunk();
}

void AtomeModel::backward_trunk() {
  const size_t B = B_, T = T_, N = B * T;
  const uint32_t d = config_.d_model, P = config_.n_paths;
  const uint32_t dh = config_.d_head;
  auto zeroed = [](std::vector<float>& v, size_t n) { v.assign(n, 0.0f); };

  // Straight through the activation fake quantisation: the linears' weight gradients at the
  // quantised input, their input gradients passed to h unchanged (token_ops.h).
  const bool fake = numerics_ != ATOME_NUMERICS_F32;
  auto linear_input = [&](const std::vector<float>& h, const QuantInput& hq) {
    return fake ? hq.deq.data() : h.data();
  };
  zeroed(d_x_, N * d);  // d loss / d residual stream, carried down through the blocks
  layernorm_backward(d_x_.data(), grad(final_gamma_), grad(final_beta_), d_final_h_.data(),
                     residual_[config_.n_layers].data(), param(final_gamma_), final_mean_.data(),
                     final_rstd_.data(), N, d);

  for (uint32_t l = config_.n_layers; l-- > 0;) {
    const BlockParams& bp = blocks_[l];
    BlockActs& a = acts_[l];
    // The mix: x_out = x_in + sum r_p path_p. d_x_ passes to x_in unchanged (the residual).
    const float* paths[3];
    float* d_paths[3];
    uint32_t p = 0;
    if (bp.conv >= 0) {
      d_local_.resize(N * d);
      paths[p] = a.local.data();
      d_paths[p++] = d_local_.data();
    }
    if (bp.ssm_a >= 0) {
      d_ssm_.resize(N * d);
      paths[p] = a.ssm_out.data();
      d_paths[p++] = d_ssm_.data();
    }
    if (bp.wq >= 0) {
      d_sparse_.resize(N * d);
      paths[p] = a.sparse.data();
      d_paths[p++] = d_sparse_.data();
    }
    d_router_.resize(N * P);
    router_mix_backward(d_router_.data(), d_paths, d_x_.data(), a.probs.data(), paths, P, N, d);

    zeroed(d_h_, N * d);
    if (bp.conv >= 0)
      conv_backward(d_h_.data(), grad(bp.conv), d_local_.data(), a.h.data(), quantized_[bp.conv], B,
                    T, d);
    if (bp.ssm_a >= 0) {
      zeroed(d_decay_, d);
      ssm_backward(d_h_.data(), d_decay_.data(), grad(bp.ssm_b), grad(bp.ssm_c), d_ssm_.data(),
                   a.ssm_state.data(), a.h.data(), decay_[l].data(), param(bp.ssm_b),
                   param(bp.ssm_c), B, T, d);
      float* da = grad(bp.ssm_a);
      for (uint32_t c = 0; c < d; ++c) {
        const float lambda = decay_[l][c];
        da[c] += d_decay_[c] * (1.0f - lambda * lambda);  // d tanh(a) / da
      }
    }
    if (bp.wq >= 0) {
      zeroed(d_q_, N * dh);
      zeroed(d_k_, N * dh);
      zeroed(d_v_, N * d);
      attention_backward(d_q_.data(), d_k_.data(), d_v_.data(), d_sparse_.data(), a.attn,
                         a.q.data(), a.k.data(), a.v.data(), B, T, dh, d, config_.top_k);
      ternary_linear_backward(d_h_.data(), grad(bp.wq), d_q_.data(), linear_input(a.h, a.hq),
                              quantized_[bp.wq], N);
      ternary_linear_backward(d_h_.data(), grad(bp.wk), d_k_.data(), linear_input(a.h, a.hq),
                              quantized_[bp.wk], N);
      ternary_linear_backward(d_h_.data(), grad(bp.wv), d_v_.data(), linear_input(a.h, a.hq),
                              quantized_[bp.wv], N);
    }
    ternary_linear_backward(d_h_.data(), grad(bp.router), d_router_.data(), linear_input(a.h, a.hq),
                            quantized_[bp.router], N);
    layernorm_backward(d_x_.data(), grad(bp.gamma), grad(bp.beta), d_h_.data(), residual_[l].data(),
                       param(bp.gamma), a.mean.data(), a.rstd.data(), N, d);
  }
  embedding_backward(grad(embed_), d_x_.data(), tokens_.data(), N, d);
}

HostModel AtomeModel::export_model(uint32_t context_len) const {
  HostModel m;
  m.config = config_;
  m.config.context_len = context_len;
  for (size_t i = 0; i < tensors_.size(); ++i) {
    const ParamTensor& t = tensors_[i];
    HostTensor ht = host_tensor(format::canonical_tensor(config_, static_cast<uint32_t>(i)));
    const float* w = params_.data() + t.offset;
    if (t.ternary) {
      Ternary q;
      quantize_ternary(q, w, t.rows, t.cols);
      ht.scale = q.alpha;
      ht.trits = q.trits;
    } else {
      ht.values.assign(w, w + t.count);
    }
    m.tensors.push_back(std::move(ht));
  }
  return m;
}

}  // namespace atome::train
