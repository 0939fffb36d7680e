\set s random(0, 1999)
SELECT DISTINCT ON (period) period, value, vintage FROM obs
WHERE series = 'm' || lpad(:s::text, 4, '0') AND vintage <= DATE '2025-02-01'
ORDER BY period, vintage DESC;
