SELECT t.series, t.target, t.comparator, o.value, o.value >= t.target AS met
FROM targets t
LEFT JOIN LATERAL (SELECT value FROM obs WHERE series = t.series AND period = DATE '2024-01-01'
                   ORDER BY vintage DESC LIMIT 1) o ON true
WHERE t.year = 2024 ORDER BY t.series;
