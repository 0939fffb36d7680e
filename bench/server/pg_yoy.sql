\set s random(0, 1999)
SELECT period, (value / lag(value, 12) OVER (ORDER BY period) - 1) * 100 AS yoy
FROM (SELECT DISTINCT ON (period) period, value FROM obs
      WHERE series = 'm' || lpad(:s::text, 4, '0') ORDER BY period, vintage DESC) latest
ORDER BY period;
