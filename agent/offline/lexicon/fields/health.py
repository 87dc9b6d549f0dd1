"""Health care and veterinary care."""

from datagen.agent.offline.lexicon.entry import entries

ENTRIES = entries(
    "health",
    """
patient | entity | outpatient, inpatient | full_name, birth_date, sex, blood_type, phone, city, registered_at | naming=person rows=5000
doctor | entity | physician, clinician, gp, surgeon, specialist | full_name, specialty, hired_at | naming=person rows=120 refs=hospital
nurse | entity | | full_name, ward=general/surgery/icu/maternity/pediatrics, hired_at | naming=person rows=200 refs=hospital
hospital | entity | medical_center, medical_centre | name, city, beds#250, opened_at | naming=place rows=12
ward | entity | unit, department_ward | name=general/surgery/icu/maternity/pediatrics/oncology, beds#30 | naming=place rows=40 refs=hospital
clinic | entity | practice, health_center, surgery_practice | name, city, opened_at | naming=place rows=30
appointment | fact | consultation, visit, checkup, check_up | scheduled_at, status, duration_minutes, fee$90 | parents=patient,doctor,clinic time=scheduled_at amount=fee per=4
admission | fact | hospitalization, hospital_stay, stay, inpatient_stay | admitted_at, discharged_at, diagnosis, length_of_stay_days#4 | parents=patient,hospital,ward time=admitted_at per=0.6
encounter | fact | emergency_visit, er_visit, ed_visit, arrival, er_arrival, ed_arrival | arrived_at, triage_level, diagnosis, wait_minutes#45 | parents=patient,hospital time=arrived_at per=2
prescription | fact | script, medication_order | prescribed_at, drug=amoxicillin/lisinopril/metformin/atorvastatin/ibuprofen/omeprazole/sertraline, dosage_mg#250, refills#1 | parents=appointment,doctor time=prescribed_at per=1.2
lab_result | fact | lab_test, test_result, blood_test | collected_at, test_name=cbc/lipid_panel/hba1c/tsh/vitamin_d, value~1..200, result=normal:0.8/abnormal:0.2 | parents=patient time=collected_at per=3
diagnosis_record | fact | diagnosis_code, condition | diagnosed_at, diagnosis, severity | parents=patient time=diagnosed_at per=1.5
vital_sign | fact | vitals, vital | measured_at, heart_rate, systolic_bp#120, temperature_c, glucose | parents=patient time=measured_at per=6
medication | entity | drug, medicine | name=amoxicillin/lisinopril/metformin/atorvastatin/ibuprofen/omeprazole/sertraline/levothyroxine, form=tablet/capsule/liquid/injection, unit_price$12 | rows=300
insurance_plan | entity | health_plan, payer_plan | name=bronze_ppo/silver_ppo/gold_hmo/platinum_ppo/medicare_advantage, monthly_premium$420 | rows=20
dentist | entity | dental_surgeon, orthodontist, hygienist, dental_hygienist | full_name, specialty=general/orthodontics/endodontics/periodontics/hygiene, licensed_at | naming=person rows=8
""",
) + entries(
    "vet",
    """
pet | entity | animal, dog, cat, companion_animal, puppy, kitten, rabbit, bird, hamster, parrot, guinea_pig, ferret, reptile | name=Bella/Max/Luna/Charlie/Lucy/Cooper/Daisy/Milo/Bailey/Coco/Rocky/Nala/Simba/Oliver/Leo, species, breed, birth_date, weight_kg, neutered=true:0.7/false:0.3 | refs=pet_owner rows=3000
pet_owner | entity | owner, guardian, client, customer | full_name, email, phone, city, registered_at | naming=person rows=2200
veterinarian | entity | vet, veterinary_surgeon | full_name, specialty=general/surgery/dentistry/exotics/dermatology, hired_at | naming=person rows=25 refs=vet_clinic
vet_clinic | entity | veterinary_clinic, animal_hospital, vet_practice | name, city, opened_at | naming=place rows=6
vet_visit | fact | veterinary_visit, pet_visit, visit, appointment, consultation, checkup | visited_at, reason=vaccination/checkup/injury/dental/surgery/illness, status, fee$75 | parents=pet,veterinarian,vet_clinic time=visited_at amount=fee per=2.5
vaccination | fact | vaccine, shot, jab | administered_at, vaccine=rabies/dhpp/fvrcp/bordetella/leptospirosis, dose#1 | parents=pet time=administered_at per=1.5
treatment | fact | procedure | performed_at, procedure=dental_cleaning/spay_neuter/x_ray/blood_panel/wound_care, cost$180 | parents=vet_visit time=performed_at amount=cost per=0.8
grooming_appointment | fact | grooming | booked_at, service=bath/full_groom/nail_trim/deshedding, price$45 | parents=pet time=booked_at amount=price per=2
dog_walker | entity | walker, pet_sitter, sitter | full_name, city, rating~3..5, joined_at | naming=person rows=300
dog_walk | fact | walk, pet_walk, walking, sitting | started_at, ended_at, duration_minutes~20..90, distance_km, price$22, status=completed:0.92/cancelled:0.06/no_show:0.02 | parents=pet,dog_walker time=started_at amount=price per=20
""",
)
