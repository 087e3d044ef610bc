"""The demo trade world: a deterministic, fictional trade dataset with its ground truth.

``tracekit demo --rows N --seed S --out DIR`` (or :func:`generate`) writes, into ``DIR``:

``shipments-us.csv``
    US imports, UTF-8, CBP AMS column names: ``identifier`` (record id), ``actual_arrival_date``
    (YYYY-MM-DD), ``shipper_party_name``, ``shipper_party_address_1..4``, ``shipper_comm_number``
    (phone), ``consignee_name``, ``consignee_address_1..4``, ``consignee_comm_number``,
    ``notify_party_name``, ``notify_party_address_1``, ``harmonized_number`` (``293339``,
    ``2933.39.9000`` or ``2933399000``), ``description_text``, ``weight``, ``weight_unit`` (KG/LB),
    ``manifest_quantity``, ``manifest_unit``, ``foreign_port_of_lading``, ``port_of_unlading``,
    ``place_of_receipt``, ``vessel_name``, ``carrier_code``, ``container_number``, ``master_bol_number``,
    ``house_bol_number``.
``shipments-mx.csv``
    Mexican import declarations, **Latin-1**, Spanish headers: ``PEDIMENTO`` (record id), ``FECHA``
    (DD/MM/YYYY), ``PROVEEDOR``, ``DOMICILIO_PROVEEDOR``, ``PAIS_ORIGEN`` (Spanish country name of the
    goods' origin, e.g. ``CHINA``, ``ESTADOS UNIDOS``), ``TELEFONO_PROVEEDOR``, ``IMPORTADOR``,
    ``RFC_IMPORTADOR``, ``DOMICILIO_IMPORTADOR``, ``FRACCION`` (8 digits), ``DESCRIPCION``, ``PESO_BRUTO``,
    ``UNIDAD_PESO`` (KG/LB/T), ``VALOR_USD``, ``ADUANA``. Chinese firms appear romanised only.
``shipments-intl.csv``
    A LatAm/Asia reseller export, UTF-8 **with BOM**: ``SHIPPER_NAME``, ``SHIPPER_ADDRESS``,
    ``SHIPPER_COUNTRY`` (ISO alpha-2 or alpha-3, mixed), ``SHIPPER_PHONE``, ``CONSIGNEE_NAME``,
    ``CONSIGNEE_ADDRESS``, ``CONSIGNEE_COUNTRY``, ``NOTIFY_PARTY``, ``HS_CODE``, ``PRODUCT_DESCRIPTION``,
    ``VALUE_IN_USD``, ``GROSS_WEIGHT`` (kg), ``ORIGIN_PORT``, ``DESTINATION_PORT``, ``SHIPMENT_DATE``
    (ISO), ``BL_NUMBER`` (record id). Some Chinese firms appear under their Han name here and in the
    US file.
``truth.json``
    ``seed``, ``rows`` per file, ``date_range``; ``entities`` (``id`` like ``E0000042``, canonical
    ``name``, ``name_han``, ``country``, ``role`` — maker / broker / shell / importer / onward / ordinary /
    forwarder —, ``network`` id or null, ``industry``, ``tax_id``, ``address``, ``phone``); ``networks``
    (``id``, ``description``, ``chemical``, ``cas``, ``maker``, ``intermediaries``, ``importer``,
    ``onward``, ``chains``: lists of entity ids with ``first_date``/``last_date``/``lots``, ``swap``:
    ``{date, old, new}`` or null, ``transshipment_country`` or null, ``decoys``: importer → buyer
    traffic dated before any precursor arrived); ``shell_clusters`` (entity ids, ``shared``:
    ``address``/``phone``, the shared ``value``, the one ``buyer`` and ``product``); ``traps``
    (look-alikes that must stay separate); ``flagged_shipments`` (``file``, ``record_id``, ``line``,
    ``network``, ``lot``, ``hop`` 0–2, ``from``, ``to``, ``date``, ``why``); ``decoy_shipments``;
    ``bad_rows`` (``file``, ``record_id``, ``line``, ``reason``, ``detail``).
``truth-mentions.parquet``
    One row per party mention: ``file``, ``record_id``, ``line``, ``role`` (shipper / consignee /
    notify), ``name`` as written, ``entity_id`` (null for placeholders such as ``TO ORDER``).

Record ids are strings unique within each file, except the deliberate duplicates listed in
``bad_rows``; ``line`` counts the header as line 1 and identifies every row even then. About 0.05% of rows
are deliberately bad, with ``reason`` (the quarantine reason ingest gives such a row) one of ``bad_date``, ``bad_weight``,
``negative_weight``, ``no_party`` (shipper and consignee empty), ``bad_hs_code``,
``duplicate_record_id`` (the later line) and ``ragged_line`` (exactly one line with surplus fields).

Dates in chains are each file's record date; every lot's hops are 5–45 days apart, in order. All
company names are fictional (built from syllables, checked against a deny-list of real brands).

Examples
--------
>>> import tempfile
>>> from tracekit.demo import generate
>>> summary = generate(tempfile.mkdtemp(), rows=1_000, seed=3, progress=False)
>>> sorted(summary.rows_per_file)
['shipments-intl.csv', 'shipments-mx.csv', 'shipments-us.csv']
"""

from tracekit.demo.generate import DemoSummary, generate
from tracekit.demo.truth import read_truth

__all__ = ["generate", "DemoSummary", "read_truth"]
