# The applied layer's sources, shared by apps/CMakeLists.txt (host) and firmware/CMakeLists.txt.
set(ATOME_APPS_SOURCES
  status.cpp
  stream_gate.cpp
  dispatcher.cpp
  dispatch_rules.cpp
  dispatch_schedule.cpp
  fixed_decode.cpp
  tokenize.cpp
  fft_tables.cpp
  fft.cpp
  fixed_log.cpp
  band_energy.cpp
  fixed_math.cpp
  window_stats.cpp
  imu_features.cpp
  mfcc.cpp)
