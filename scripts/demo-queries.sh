# Example queries of ./scripts/demo (sourced; `run TITLE QUERY` prints and runs one).
run "Cumulative 2023 GDP growth (Q1, H1, Q1-Q3, full year), latest values" 'gdp_growth[2023]'
run "What was known on 2024-01-25, before the statistical bulletin" 'asof(gdp_growth, 2024-01-25)'
run "The revision history of 2023 GDP growth: estimate 6 (左右) -> bulletin 5.7" 'revisions(gdp_growth, 2023)'
run "What the bulletin of 2024-01-28 added or revised" 'changes(2024-01-28)'
run "Year-over-year change of GDP growth, in percentage points" 'yoy(gdp_growth)[2024]'
run "2024 targets judged so far (the rest are pending: no 2024 actual yet)" \
  'targets(2024) where status != pending order by indicator'
run "2024 GDP growth against its target (6%): the gap" 'gap(gdp_growth, 2024)'
run "Growth still required: high-tech firms 1.45万 (2023) -> 1.55万 (2024 target)" 'need(hitech_firms_total, 2024)'
run "Series about retail sales (社会消费品零售总额)" 'search(零售)'
run "GDP growth since 2014 (data/wuhan/history.csv): full years and in-year cumulative releases" \
  'gdp_growth[2014:]'
run "Year-over-year change of GDP at current prices (a year without its predecessor stays empty)" \
  'yoy(gdp)[2018:]'
run "2022 GDP: the work report's estimate (2023-01-05) -> the statistics bureau's release (2023-02-01)" \
  'revisions(gdp, 2022)'
