"""The second world: a held-out trade world with a noise model of its own, for evaluation only.

``tracekit demo --world second --rows N --seed S --out DIR`` (or :func:`generate_second`) writes two
sources in layouts the demo world never uses and the truth behind them:

``reseller-bills.csv`` (layout A)
    a US reseller export of bills of lading into the US and Mexico, headers ``Bill of Lading Number,
    Arrival Date, Shipper, Shipper Address, Consignee, Consignee Address, Notify Party, Notify Party
    Address, Goods Shipped, HS Code, Weight (kg), Value of Goods (USD), Port of Lading, Port of Unlading,
    Shipment Origin, Shipment Destination``; dates MM/DD/YYYY; no party country columns.
``cn-export-declarations.csv`` (layout B, UTF-8 with BOM)
    Chinese export declarations in English, headers ``Declaration No., Export Date, Exporter, Exporter
    Address, Overseas Buyer, Buyer Address, HS Code, Product Description, Quantity, Unit, Gross Weight
    (kg), Total Value (USD), Port of Departure, Destination Country, Trade Mode``; the declaring country
    is CN (the exporter is Chinese); dates YYYY-MM-DD or YYYY/MM/DD.
``truth.json`` / ``truth-mentions.parquet``
    as the demo world's (:mod:`tracekit.demo`), plus ``layouts`` (per file: layout, declaring country,
    date format), ``traps`` of kinds ``permuted_words``, ``substituted_word``, ``same_name_other_city``,
    ``cross_jurisdiction`` and ``legitimate_shared_address``, and per shell cluster the address
    ``spellings`` actually written.

What differs from the demo world: firm names are whole English words (look-alikes by permuting and
substituting words), Chinese firms' Han names are translations, every mention is composed afresh from
its parts around a per-layout house style (:mod:`tracekit.demo.second.spelling`), addresses come
abbreviated, in Spanish forms and in Chinese script, and no file has a party country column. Planted
chains run maker (CN) → Hong Kong broker or shells (layout B) → importer in the US or Mexico (layout A).
"""

from tracekit.demo.second.generate import generate_second

__all__ = ["generate_second"]
