// Validation of and accessors for the classifier metadata section (docs/FORMAT.md §17). The
// loader validates once; the accessors then read in place without checks beyond their indices.
#include "engine/class_meta.h"

#include "engine/bytes.h"

// ---- C API accessors ----------------------------------------------------------------------------

extern "C" {

atome_status atome_model_class_info(const atome_model* model, atome_class_info* info) {
  using namespace atome;
  using namespace atome::class_meta;
  if (model == nullptr || info == nullptr) return ATOME_ERR_NULL_ARGUMENT;
  const uint8_t* s = model->class_meta;
  if (s == nullptr) return ATOME_ERR_NO_METADATA;
  const Layout l = layout(s);
  info->n_classes = l.n_classes;
  info->n_channels = l.n_channels;
  info->window_len = l.window;
  info->n_features = l.n_features;
  info->quant_mode = read_u32(s + kOffQuantMode);
  info->abstain_rule = read_u32(s + kOffAbstainRule);
  info->n_params = l.n_params;
  info->sample_rate_hz = read_f32(s + kOffSampleRate);
  info->temperature = read_f32(s + kOffTemperature);
  info->abstain_threshold = read_f32(s + kOffAbstainThreshold);
  info->pipeline = string_at(s, 0);
  return ATOME_OK;
}

atome_status atome_model_feature_range(const atome_model* model, uint32_t feature, double* vmin,
                                       double* vmax) {
  using namespace atome;
  if (model == nullptr || vmin == nullptr || vmax == nullptr) return ATOME_ERR_NULL_ARGUMENT;
  const uint8_t* s = model->class_meta;
  if (s == nullptr) return ATOME_ERR_NO_METADATA;
  const class_meta::Layout l = class_meta::layout(s);
  if (feature >= l.n_features) return ATOME_ERR_BAD_ARGUMENT;
  const uint64_t lo = class_meta::read_u64(s + l.ranges + 16ull * feature);
  const uint64_t hi = class_meta::read_u64(s + l.ranges + 16ull * feature + 8);
  __builtin_memcpy(vmin, &lo, sizeof lo);  // a bit copy: no float operation
  __builtin_memcpy(vmax, &hi, sizeof hi);
  return ATOME_OK;
}

atome_status atome_model_channel(const atome_model* model, uint32_t channel, const char** name,
                                 const char** unit, float* phys_min, float* phys_max) {
  using namespace atome;
  if (model == nullptr) return ATOME_ERR_NULL_ARGUMENT;
  const uint8_t* s = model->class_meta;
  if (s == nullptr) return ATOME_ERR_NO_METADATA;
  const class_meta::Layout l = class_meta::layout(s);
  if (channel >= l.n_channels) return ATOME_ERR_BAD_ARGUMENT;
  if (name) *name = class_meta::string_at(s, 1 + 2 * channel);
  if (unit) *unit = class_meta::string_at(s, 2 + 2 * channel);
  if (phys_min) *phys_min = read_f32(s + l.channels + 8ull * channel);
  if (phys_max) *phys_max = read_f32(s + l.channels + 8ull * channel + 4);
  return ATOME_OK;
}

atome_status atome_model_pipeline_param(const atome_model* model, uint32_t index, const char** name,
                                        float* value) {
  using namespace atome;
  if (model == nullptr) return ATOME_ERR_NULL_ARGUMENT;
  const uint8_t* s = model->class_meta;
  if (s == nullptr) return ATOME_ERR_NO_METADATA;
  const class_meta::Layout l = class_meta::layout(s);
  if (index >= l.n_params) return ATOME_ERR_BAD_ARGUMENT;
  if (name) *name = class_meta::string_at(s, 1 + 2 * l.n_channels + index);
  if (value) *value = read_f32(s + l.params + 4ull * index);
  return ATOME_OK;
}

atome_status atome_model_class_name(const atome_model* model, uint32_t cls, const char** name) {
  using namespace atome;
  if (model == nullptr || name == nullptr) return ATOME_ERR_NULL_ARGUMENT;
  const uint8_t* s = model->class_meta;
  if (s == nullptr) return ATOME_ERR_NO_METADATA;
  const class_meta::Layout l = class_meta::layout(s);
  if (cls >= l.n_classes) return ATOME_ERR_BAD_ARGUMENT;
  *name = class_meta::string_at(s, 1 + 2 * l.n_channels + l.n_params + cls);
  return ATOME_OK;
}

}  // extern "C"
