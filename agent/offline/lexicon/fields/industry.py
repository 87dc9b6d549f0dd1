"""Logistics, manufacturing, energy and agriculture."""

from datagen.agent.offline.lexicon.entry import entries

ENTRIES = (
    entries(
        "logistics",
        """
warehouse | entity | distribution_center, fulfillment_center, depot, dc | name, city, country, capacity#5000, opened_at | naming=place rows=12
carrier | entity | shipping_carrier, courier_company, freight_company, haulier | name=DHL/UPS/FedEx/DPD/GLS/Maersk/USPS/Royal_Mail, service_level=standard/express/freight | rows=8
shipment | fact | parcel, package, consignment, delivery, freight | shipped_at, delivered_at, weight_kg, shipping_cost, status | parents=warehouse,carrier time=shipped_at amount=shipping_cost per=800
tracking_event | fact | scan, tracking_update, checkpoint | scanned_at, event_type=picked_up/in_transit/out_for_delivery/delivered/exception, location=city | parents=shipment time=scanned_at per=4
truck | entity | lorry, trailer, delivery_van, fleet_vehicle, vehicle | license_plate, capacity_kg#12000, fuel_type, commissioned_at | rows=200
gps_position | fact | position, gps_ping, location_ping, ping, gps_fix, location_update, gps_reading, gps_point | recorded_at, latitude, longitude, speed_kmh~0..110, heading~0..360 | parents=truck time=recorded_at per=2000
route_plan | fact | delivery_route, route_run, run | started_at, stops#18, distance_km, fuel_litres~20..300 | parents=truck time=started_at per=200
purchase_order | fact | po, replenishment_order, order | ordered_at, expected_on, quantity#200, total$5000, status=open/received/cancelled | parents=supplier,warehouse time=ordered_at amount=total per=40
drone | entity | uav, quadcopter, unmanned_aircraft | serial_number, model=dji_matrice_350/dji_mavic_3/skydio_x10/parrot_anafi, max_flight_minutes~20..55, commissioned_at | rows=60
pilot | entity | drone_pilot, remote_pilot | full_name, license_number@code, certified_at | naming=person rows=40
mission | fact | flight_mission, inspection_mission, inspection_flight, drone_flight, sortie | started_at, ended_at, mission_type=inspection/survey/mapping/delivery, distance_km, outcome=completed:0.9/aborted:0.07/failed:0.03 | parents=pilot,drone time=started_at per=25
stock_movement | fact | inventory_movement, movement, stock_transfer, stock_adjustment | moved_at, movement_type=receipt/pick/transfer/adjustment/return, quantity#20 | parents=product,warehouse time=moved_at per=40
""",
    )
    + entries(
        "manufacturing",
        """
factory | entity | plant, manufacturing_plant, production_site, mill | name, country, opened_at | naming=place rows=6
machine | entity | equipment, production_line, line, asset_machine, robot, press | asset_tag@code, machine_type=cnc/press/lathe/injection_molder/robot_arm/conveyor, installed_at | refs=factory rows=120
production_run | fact | batch, production_batch, run_production, job_run | started_at, ended_at, units_produced#500, scrap_units#12 | parents=machine time=started_at per=300
furnace | entity | kiln, smelter, arc_furnace, blast_furnace | name, furnace_type=electric_arc/blast/induction/ladle, capacity_tonnes~60..250, commissioned_at | naming=place rows=6
heat | fact | steel_heat, melt, cast, tap | tapped_at, tonnage~80..150, tap_temperature_c~1580..1680, grade=S235/S355/A36/304L | parents=furnace time=tapped_at amount=tonnage per=2000
downtime_event | fact | downtime, breakdown, stoppage, failure | started_at, duration_minutes, cause | parents=machine time=started_at per=20
quality_inspection | fact | inspection, qc_check, quality_check, defect_check | inspected_at, defects#1, passed=true:0.95/false:0.05 | parents=production_run time=inspected_at per=2
part | entity | component, spare_part, material_part | part_number, material, unit_cost$8, weight_kg | rows=500
maintenance_order | fact | work_order, maintenance, repair, service_order | opened_at, closed_at, maintenance_type=preventive/corrective/predictive, cost$600, status@work_order_status | parents=machine time=opened_at amount=cost per=8
operator | entity | machine_operator, technician, line_worker | full_name, shift, certified=true:0.8/false:0.2, hired_at | naming=person rows=300
""",
    )
    + entries(
        "energy",
        """
energy_customer | entity | utility_customer, household, home, ratepayer, premise, customer | full_name, address, city, tariff, connected_at | naming=person rows=5000
meter | entity | smart_meter, electricity_meter, gas_meter, water_meter | serial_number, meter_type=electricity/gas/water, installed_at | refs=energy_customer rows=5500
meter_reading | fact | consumption_reading, usage_reading, interval_reading, consumption, reading, measurement | read_at, kwh, voltage | parents=meter time=read_at amount=kwh per=720
power_plant | entity | generator_plant, power_station, wind_farm, solar_farm, generation_unit | name, energy_source, capacity_mw#250, commissioned_at | naming=place rows=40
generation_record | fact | generation, output, production_energy | recorded_at, output_mwh~0..500, curtailed=false:0.95/true:0.05 | parents=power_plant time=recorded_at per=2000
outage | fact | power_outage, blackout, interruption | started_at, duration_minutes, customers_affected#400, cause=weather/equipment/overload/planned | parents=substation time=started_at per=10
substation | entity | grid_substation, feeder | name, region, voltage_kv=11/33/66/132, commissioned_at | naming=place rows=80
energy_bill | fact | utility_bill, electricity_bill, bill, invoice | issued_on, amount$110, kwh, paid=true:0.94/false:0.06 | parents=energy_customer time=issued_on amount=amount per=12
wind_turbine | entity | turbine, wind_turbine_generator, generating_unit | asset_code@code, model=vestas_v150/siemens_sg_14/ge_haliade_x/nordex_n163, capacity_mw~2..15, commissioned_at | rows=80
turbine_reading | fact | power_reading, power_output, turbine_output, scada_reading | recorded_at, power_kw~0..8000, wind_speed_ms~0..25, rotor_rpm~0..16 | parents=wind_turbine time=recorded_at per=2000
solar_inverter | entity | inverter, pv_inverter, string_inverter | asset_code@code, model=sma_sunny_central/huawei_sun2000/sungrow_sg250/fronius_tauro, capacity_kw~50..250, commissioned_at | refs=power_plant rows=40
solar_panel | entity | panel, pv_panel, pv_module, solar_module, solar_array, array | serial_number, model=jinko_tiger_neo/longi_hi_mo6/trina_vertex/canadian_hiku, rated_watts~400..620, tilt_deg~10..35, installed_at | refs=solar_inverter rows=2000
solar_reading | fact | pv_reading, inverter_reading, panel_reading | recorded_at, power_kw~0..250, irradiance_wm2~0..1100, dc_voltage~300..1000, module_temp_c~-5..70 | parents=solar_inverter,solar_panel time=recorded_at per=2000
installer | entity | solar_installer, installation_crew, crew, technician | full_name, certification=nabcep/mcs/cec/none, region, hired_at | naming=person rows=60
solar_installation | fact | installation, install, solar_install, panel_installation, solar_project | installed_on, system_kw~3..15, panels#22, price$18000, financing=cash:0.4/loan:0.35/lease:0.25, status=completed:0.85/scheduled:0.1/cancelled:0.05 | parents=energy_customer,installer time=installed_on amount=price per=1
""",
    )
    + entries(
        "agriculture",
        """
farm | entity | ranch, orchard, vineyard, estate_farm | name, region, hectares, organic=true:0.2/false:0.8, established_year | naming=place rows=200
field_plot | entity | field, plot, paddock, parcel_land | plot_code@code, hectares, soil_type, crop | refs=farm rows=1500
harvest | fact | crop_harvest, yield_record | harvested_on, crop, yield_tonnes, moisture_pct~10..25 | parents=field_plot time=harvested_on per=2
livestock | entity | cattle, cow, herd_animal, sheep, pig, animal_livestock | tag_number, species_livestock=cattle/sheep/pig/goat, breed, birth_date, weight_kg | refs=farm rows=8000
milk_yield | fact | milking, milk_record | milked_at, litres~5..40 | parents=livestock time=milked_at per=300
weather_observation | fact | weather_reading, weather_record | observed_at, temperature, rainfall_mm~0..40, humidity | parents=farm time=observed_at per=365
fertilizer_application | fact | spraying, fertilizing, treatment_field | applied_on, product=urea/npk/compost/glyphosate/fungicide, rate_kg_per_ha~20..300 | parents=field_plot time=applied_on per=4
farmer | entity | grower, rancher | full_name, phone, joined_at | naming=person rows=200 refs=farm
""",
    )
)
